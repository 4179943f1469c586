"""rasa_sdk Action classes and the rendering of answers. rasa_sdk imports every module here at
start-up: nothing loads a model or opens a file at import time, and staff-only code lives elsewhere."""
