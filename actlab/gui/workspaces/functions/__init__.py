"""The function-lab workspace: data panel, output panel, curve import and drawing."""
