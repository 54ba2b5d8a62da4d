from django.apps import AppConfig


class SubtitlesConfig(AppConfig):
    name = "backend.subtitles"
    label = "subtitles"
    verbose_name = "Subtitle tracks"
