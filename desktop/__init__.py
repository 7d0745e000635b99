"""Picture Desk application: the Qt window and the command line, thin layers over archive/."""
