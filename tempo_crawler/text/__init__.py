"""Text knowledge of Tempo pages: the chrome lexicon, Indonesian dates, datelines and credits."""
