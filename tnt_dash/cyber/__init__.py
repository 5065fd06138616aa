"""The cyber-threat picture (issue #37): how cyber-enabled and cyber-dependent crime is committed in the
missions' areas, through which channels, what it costs, whom it hits by sex and age, where the offenders
are, and how online recruitment feeds trafficking. Code lists in codes.py, figures in data.py, the page's
sections in screen.py. Kept free of imports here: the importer reads codes.py alone."""
