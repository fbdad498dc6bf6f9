"""What the runs show: the accuracy bands with their sources and measured runs (bands, the
measurements*.json files beside it), measure (entries run under seeds, recorded or judged), the
statistics the verdicts use (stats), the reference runtime (TensorFlow 1.15.5), and the report
(Markdown, HTML and plots) written from the measured runs."""
