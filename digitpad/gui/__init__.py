"""The Tkinter window: thin widgets over the recognizer core."""
