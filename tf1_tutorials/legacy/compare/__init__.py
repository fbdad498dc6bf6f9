"""`tf1-tutorials legacy --compare`: sides.py runs a script under the project and under TensorFlow
1.15.5; verdict.py reads what each printed and judges them side by side."""
