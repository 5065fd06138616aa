"""The Capacity building page: the SOC Focal Point Network's activities, gender parity among their
participants and speakers, the missions' assessment scores, spending, and the good-practice library."""
