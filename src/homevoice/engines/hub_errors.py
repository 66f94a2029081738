"""huggingface_hub and network failures, turned into ``DownloadError`` with a next step."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from homevoice.errors import DownloadError

_UNREACHABLE_HINT = (
    "Check the network, set HOMEVOICE_MODELS__HUB_ENDPOINT to a hub or mirror this machine can reach, "
    "or copy the model directory in by hand."
)


@contextmanager
def hub_errors(
    repo_id: str, endpoint: str, *, revision: str, file: str | None = None, model: str | None = None
) -> Iterator[None]:
    """Turn huggingface_hub and network failures into DownloadError with a next step."""
    import httpx2
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    what = f"{file} of {repo_id}" if file else repo_id
    again = f" Run `homevoice models pull {model}` again to resume." if model else ""
    try:
        yield
    except GatedRepoError as err:
        raise DownloadError(
            f"{repo_id} on {endpoint} is gated: accept its terms on the hub and pass an access token."
        ) from err
    except RepositoryNotFoundError as err:
        raise DownloadError(
            f"Model repository {repo_id} was not found on {endpoint}. Check the name; "
            "a private repository also needs an access token."
        ) from err
    except RevisionNotFoundError as err:
        raise DownloadError(f"{repo_id} on {endpoint} has no revision {revision!r}.") from err
    except HfHubHTTPError as err:
        raise DownloadError(
            f"The hub at {endpoint} answered HTTP {err.response.status_code} for {what}.{again}"
        ) from err
    except OfflineModeIsEnabled as err:
        raise DownloadError(
            f"Cannot download {what}: huggingface_hub offline mode is on (HF_HUB_OFFLINE). "
            "Unset it, or copy the model directory in by hand."
        ) from err
    except httpx2.ConnectError as err:
        raise DownloadError(
            f"This machine cannot reach the model hub at {endpoint} ({err}). {_UNREACHABLE_HINT}"
        ) from err
    except httpx2.TransportError as err:  # timeouts, connections cut mid-transfer
        if file is None:
            raise DownloadError(
                f"The model hub at {endpoint} did not answer ({err}). {_UNREACHABLE_HINT}"
            ) from err
        raise DownloadError(f"Downloading {what} from {endpoint} was interrupted ({err}).{again}") from err
    except OSError as err:
        if file is None:
            raise
        # huggingface_hub's size check after a short transfer, or the disk itself (full, read-only).
        raise DownloadError(f"Downloading {what} failed: {err}.{again}") from err
