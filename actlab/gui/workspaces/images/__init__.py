"""The image-lab workspace: data panel, output panel, image import and drawing."""
