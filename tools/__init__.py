"""Programs for people who run or use a Cirrus instance; not shipped to Lambda."""
