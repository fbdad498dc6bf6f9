"""The subcommands of `tf1-tutorials`, one module each, found by :mod:`tf1_tutorials.cli`: each
defines ``add_arguments(parser)`` and ``main(args)``, which parses, builds settings and calls one
library function; errors are raised for ``cli.main`` to say."""
