import Showrunner
