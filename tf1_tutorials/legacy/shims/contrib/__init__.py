"""``tf.contrib`` in a legacy run: api.py serves its parts from tf-slim (made to work by
slim_support.py), tf.compat.v1 and the modules here (learn, seq2seq, factorization)."""
