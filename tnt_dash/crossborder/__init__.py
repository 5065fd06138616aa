"""The Cross-border map page: which corridors, border crossings and areas carry cross-border crime,
for commissioners and host-State counterparts discussing border cooperation and analysts preparing operations."""
