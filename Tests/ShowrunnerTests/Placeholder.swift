import Showrunner
import Testing
