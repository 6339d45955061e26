# analyses: files are listed here
