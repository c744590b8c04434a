"""The same network in PyTorch, as the side-by-side baseline of `submit/bench model`.

4 conv3x3 blocks 3->32->64->128->128 (ReLU on the first three, 2x2 max pooling after them),
NetVLAD K=64 (soft assignment, intra and L2 normalisation), 3x120x160 input; a training step is
4 tuples of 1 query + 1 positive + 10 negatives (48 images) with the triplet ranking loss and SGD.
Prints one line: RESULT forward_images_per_s=... train_images_per_s=...
Usage: python3 torch_model_bench.py THREADS SECONDS
"""
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

threads, seconds = int(sys.argv[1]), float(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(1)


class NetVLAD(nn.Module):
    def __init__(self, k=64, d=128):
        super().__init__()
        self.conv = nn.Conv2d(d, k, 1)
        self.centroids = nn.Parameter(torch.rand(k, d))

    def forward(self, x):
        n, d = x.shape[:2]
        x = F.normalize(x, p=2, dim=1)
        a = F.softmax(self.conv(x).view(n, -1, x.shape[2] * x.shape[3]), dim=1)  # [n, K, N]
        x = x.view(n, d, -1)  # [n, D, N]
        vlad = torch.bmm(a, x.transpose(1, 2)) - a.sum(2).unsqueeze(2) * self.centroids.unsqueeze(0)
        vlad = F.normalize(vlad, p=2, dim=2).view(n, -1)
        return F.normalize(vlad, p=2, dim=1)


def block(i, o, relu=True, pool=True):
    layers = [nn.Conv2d(i, o, 3, padding=1)]
    if relu:
        layers.append(nn.ReLU())
    if pool:
        layers.append(nn.MaxPool2d(2))
    return layers


net = nn.Sequential(*block(3, 32), *block(32, 64), *block(64, 128), *block(128, 128, relu=False, pool=False), NetVLAD())
images = torch.randn(48, 3, 120, 160)
opt = torch.optim.SGD(net.parameters(), lr=1e-4, momentum=0.9, weight_decay=1e-3)


def loss_of(desc):
    t = desc.view(4, 12, -1)
    q, p, n = t[:, 0:1], t[:, 1:2], t[:, 2:]
    dp = ((q - p) ** 2).sum(-1)
    dn = ((q - n) ** 2).sum(-1)
    return F.relu(dp + 0.1 - dn).sum()


def rate(body):
    body(); body()
    t0, calls = time.perf_counter(), 0
    while True:
        body(); calls += 1
        if time.perf_counter() - t0 > seconds:
            return calls / (time.perf_counter() - t0)


def forward():
    with torch.no_grad():
        net.eval()
        net(images)


def train():
    net.train()
    opt.zero_grad()
    loss_of(net(images)).backward()
    opt.step()


print("RESULT forward_images_per_s=%.1f train_images_per_s=%.1f" % (48 * rate(forward), 48 * rate(train)))
