"""Data for legacy scripts: TF1's ``input_data`` on tf1-tutorials' reader, and the canonical
MNIST and CIFAR-10 URLs served from the verified store (urls.py)."""
