"""The Cyber threats page: how cyber-enabled and cyber-dependent crime hits the missions' areas and whom it
hits (docs/cyber.md).

How it is committed in the missions' areas, through which channels, what it costs, whom it hits by sex and age, where the offenders
are, and how online recruitment feeds trafficking. Code lists in codes.py, figures in data.py, the page's
sections in screen.py. Kept free of imports here: the importer reads codes.py alone."""
