"""One check for the settings every run shares: `run` and both halves of `cluster` ask
:func:`tf1_tutorials.training.settings.check_run_settings`, so they accept and refuse alike."""

from __future__ import annotations

import pytest

from tf1_tutorials import cli
from tf1_tutorials.cluster import launcher, task
from tf1_tutorials.errors import UsageError
from tf1_tutorials.training.arguments import overrides_from_args
from tf1_tutorials.training.settings import RunSettings, check_run_settings


def cluster_args(*flags: str):
    return cli.build_parser().parse_args(["cluster", "run", "softmax", *flags])


def task_status(capsys, *flags: str) -> tuple[int, str]:
    args = cli.build_parser().parse_args(
        ["cluster", "task", "softmax", "--worker-hosts", "127.0.0.1:1", "--ps-hosts",
         "127.0.0.1:2", "--job-name", "worker", "--task-index", "0", *flags]
    )  # fmt: skip
    status = task.run_task(args)
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--checkpoint-every", "-1"], "--checkpoint-every: must be 0 (only at the end) or more"),
        (["--seed", "-3"], "--seed: must be 0 to 4294967295, got -3"),
        (["--threads", "-1"], "--threads: must be 0 (all cores) or more, got -1"),
        (["--set", "learning_rate=fast"], "learning_rate"),
    ],
)
def test_run_and_cluster_refuse_the_same_settings_with_the_same_line(flags, message):
    run_args = cli.build_parser().parse_args(["run", "softmax", *flags])
    settings = RunSettings(
        variant="softmax",
        overrides=overrides_from_args(run_args),
        seed=run_args.seed,
        checkpoint_every=run_args.checkpoint_every,
        threads=run_args.threads,
    )
    with pytest.raises(UsageError) as from_run:
        check_run_settings(settings)
    with pytest.raises(UsageError) as from_cluster:
        launcher.check_arguments(cluster_args(*flags))
    assert message in str(from_run.value)
    assert str(from_cluster.value) == str(from_run.value)


def test_checkpoint_every_zero_means_only_at_the_end_for_run_and_cluster_alike():
    check_run_settings(RunSettings(variant="softmax", checkpoint_every=0))
    launcher.check_arguments(cluster_args("--checkpoint-every", "0"))


def test_a_cluster_task_refuses_what_the_launcher_refuses(capsys):
    status, err = task_status(capsys, "--checkpoint-every", "-1")
    assert status == 2
    assert "--checkpoint-every: must be 0 (only at the end) or more, got -1" in err
