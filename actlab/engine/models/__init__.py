"""The models the Trainer drives: the dense network (mlp) and the convolutional one (cnn)."""
