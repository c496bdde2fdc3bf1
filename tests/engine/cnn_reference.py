"""Slow, obviously-correct NCHW reference implementations for the CNN tests: nested loops,
written straight from the definitions (PyTorch's conv2d, max/avg pool, flatten), sharing
no code with actlab.engine.models.cnn_layers."""
import numpy as np


def conv_loops(x, K, b, padding, stride):
    """x (n, C, H, W), K (O, C, k, k): cross-correlation with zero padding."""
    n, C, H, W = x.shape
    O, _, k, _ = K.shape
    p = (k - 1) // 2 if padding == "same" else 0
    xp = np.zeros((n, C, H + 2 * p, W + 2 * p))
    xp[:, :, p:p + H, p:p + W] = x
    Ho = (H + 2 * p - k) // stride + 1
    Wo = (W + 2 * p - k) // stride + 1
    out = np.zeros((n, O, Ho, Wo))
    for i in range(n):
        for o in range(O):
            for r in range(Ho):
                for c in range(Wo):
                    acc = b[o]
                    for ch in range(C):
                        for u in range(k):
                            for v in range(k):
                                acc += xp[i, ch, r * stride + u, c * stride + v] * K[o, ch, u, v]
                    out[i, o, r, c] = acc
    return out


def pool_loops(x, kind):
    n, C, H, W = x.shape
    out = np.zeros((n, C, H // 2, W // 2))
    for i in range(n):
        for ch in range(C):
            for r in range(H // 2):
                for c in range(W // 2):
                    win = [x[i, ch, 2 * r + a, 2 * c + d] for a in (0, 1) for d in (0, 1)]
                    out[i, ch, r, c] = max(win) if kind == "max" else sum(win) / 4.0
    return out


def network_logits(spec, params, X):
    """The logits of an ImageNetSpec network with params in get_params layout, NCHW."""
    from actlab.engine.activations.lookup import get_activation
    a = np.asarray(X, dtype=float)
    for c, (K, b) in zip(spec.conv, params):
        a = conv_loops(a, K, b, c.padding, c.stride)
        a = get_activation(c.activation, spec.leaky_slope).value(a)
        if c.pool != "none":
            a = pool_loops(a, c.pool)
    if spec.head == "gap":
        a = a.mean(axis=(2, 3))
    else:
        a = a.reshape(a.shape[0], -1)      # torch.flatten of NCHW: (C, H, W) order
    dense = params[len(spec.conv):]
    for (W, b), act in zip(dense[:-1], spec.activations):
        a = get_activation(act, spec.leaky_slope).value(a @ W + b)
    W, b = dense[-1]
    return a @ W + b
