"""What an image lab trains with unless it says otherwise: the settings of the image
presets (resources/labs/images-*.actlab), shared by the Data panel
(:func:`actlab.kinds.images.image_lab_for`) and ``actlab train --images``
(:func:`actlab.kinds.image_sources.lab_with_images`)."""
from __future__ import annotations

from actlab.engine.models.cnn_spec import ConvSpec, ImageNetSpec
from actlab.lab import TrainingSpec

#: Images of each class a freshly chosen data set draws: the presets' 30-40 train in a few
#: seconds an epoch on a laptop; the spec's default of 100 makes the first epochs slow.
DEFAULT_PER_CLASS = 40
#: What the image presets (resources/labs/images-*.actlab) train with: Adam at 0.01 in
#: minibatches of 16 learns every generated data set in 20-30 epochs; the point labs' SGD
#: at 0.03 in batches of 10 barely moves a CNN in that time.
IMAGE_TRAINING = TrainingSpec(optimizer="adam", learning_rate=0.01, batch_size=16)
#: The network of the image presets on real-looking data (images-digits; images-shapes
#: is the same with 8 filters first): two 3×3 "same" ReLU convolutions of 16 filters, 2×2
#: max pooling after the first, global average pooling.  ``actlab train --images`` trains
#: it when no lab is given.
PRESET_IMAGE_NETWORK = ImageNetSpec(conv=(ConvSpec(filters=16, pool="max"),
                                          ConvSpec(filters=16)))
#: Epochs those presets train (their ``stop_after``).
PRESET_IMAGE_EPOCHS = 30
