"""Views of image labs: the test gallery, the confusion matrix, the class scores of the
probed image and the accuracy curve (dumb: they draw the arrays they are given)."""
