"""The retention sweep: what each service no longer keeps is removed from storage.

Reads already hide rows past their service's retention; the sweep bounds storage.
"""

from __future__ import annotations

from datetime import timedelta

from simulator.domain.clock import Clock
from simulator.domain.ports import DirectoryStore, FileStore, InspectionView

__all__ = ["RetentionSweep"]


class RetentionSweep:
    def __init__(
        self,
        *,
        directory: DirectoryStore,
        inspection: InspectionView,
        files: FileStore,
        clock: Clock,
    ) -> None:
        self._directory = directory
        self._inspection = inspection
        self._files = files
        self._clock = clock

    async def sweep(self) -> int:
        """Remove what is past retention; the number of notifications removed."""
        removed = 0
        for service in await self._directory.list_services():
            cutoff = self._clock.now() - timedelta(days=service.data_retention_days)
            removed += await self._inspection.purge_service_before(service.id, cutoff)
        # kept files carry their own expiry (a letter's PDF: its service's retention)
        await self._files.delete_expired_files(self._clock.now())
        return removed
