"""Poisson (gradient-domain) blending of a fill into its hole, differentiable.

A network's fill rarely meets the known pixels exactly at the hole's border; the step shows
as a seam, and on flat regions it costs more than the fill's texture gains. Poisson blending
(Pérez et al. 2003, the post-processing of Iizuka et al. 2017) keeps the fill's gradients
inside the hole and takes the known pixels' values on its border: it solves, per image and
channel, the discrete Poisson equation on the hole pixels ``H``

    sum over neighbours q of p:  f_p - f_q = sum over neighbours q in H:  g_p - g_q

with ``f_q`` the known pixel where ``q`` is not in ``H`` (``g``: the fill; image borders are
reflecting). Between hole and known pixels the guidance is 0, so the result is continuous
there: the generator's pixels outside the hole are never read (a hole-only loss leaves
them untrained). The system is symmetric positive definite: solved by conjugate gradients,
or through the inverse of its matrix when the whole batch shares one hole (a centre box).
The backward pass solves the same system (implicit differentiation), so training through
the blend costs two solves, not a graph of every iteration.
"""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F

# Relative residual at which conjugate gradients stops; fp32 fills need no more.
TOLERANCE = 1e-5
# Convergence is checked every this many iterations (each check syncs with the device).
CHECK_EVERY = 16


def neighbour_sum(x: torch.Tensor) -> torch.Tensor:
    """Sum of each pixel's 4 neighbours, with zeros beyond the image border (shifted
    slices: on CPU 5x faster than a 3x3 convolution with one channel)."""
    padded = F.pad(x, (1, 1, 1, 1))
    return (padded[..., :-2, 1:-1] + padded[..., 2:, 1:-1]
            + padded[..., 1:-1, :-2] + padded[..., 1:-1, 2:])


def hole_window(mask: torch.Tensor) -> tuple[slice, slice]:
    """Rows and columns that hold every hole pixel of the batch plus one known pixel
    around them: the only part of the images the solve needs."""
    rows = mask.flatten(0, -3).amax(dim=(0, 2)).nonzero()
    cols = mask.flatten(0, -3).amax(dim=(0, 1)).nonzero()
    if rows.numel() == 0:
        return slice(0, 0), slice(0, 0)
    height, width = mask.shape[-2:]
    return (slice(max(int(rows[0]) - 1, 0), min(int(rows[-1]) + 2, height)),
            slice(max(int(cols[0]) - 1, 0), min(int(cols[-1]) + 2, width)))


class _Laplacian:
    """The Poisson operator restricted to the hole ``mask`` (1 = hole), with the number of
    in-image neighbours on its diagonal (reflecting image borders)."""

    def __init__(self, mask: torch.Tensor, degree: torch.Tensor) -> None:
        self.mask, self.degree = mask, degree

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        # x lives on the hole already (the solver's vectors all do)
        return self.mask * (self.degree * x - neighbour_sum(x))

    def guidance(self, fill: torch.Tensor) -> torch.Tensor:
        """``sum over hole neighbours q of (g_p - g_q)`` at each hole pixel ``p``; this map
        is symmetric, so it is also its own transpose (the backward pass uses it)."""
        fill = self.mask * fill
        return self.mask * (neighbour_sum(self.mask) * fill - neighbour_sum(fill))


def conjugate_gradients(operator, rhs: torch.Tensor, start: torch.Tensor, *,
                        max_iterations: int, tolerance: float = TOLERANCE) -> torch.Tensor:
    """Solve ``operator(x) = rhs`` for every (image, channel) at once; ``rhs`` and ``start``
    live on the hole (zeros elsewhere)."""
    def dot(a, b):
        return (a * b).sum(dim=(-2, -1), keepdim=True)

    x = start
    residual = rhs - operator(x)
    direction = residual
    rs = dot(residual, residual)
    scale = dot(rhs, rhs).clamp_min(1e-30)
    for iteration in range(max_iterations):
        if iteration % CHECK_EVERY == 0 and bool((rs <= tolerance ** 2 * scale).all()):
            break
        step_dir = operator(direction)
        curvature = dot(direction, step_dir)
        alpha = rs / curvature.clamp_min(1e-30)
        x = x + alpha * direction
        residual = residual - alpha * step_dir
        rs_new = dot(residual, residual)
        direction = residual + (rs_new / rs.clamp_min(1e-30)) * direction
        rs = rs_new
    return x


class _IterativeSolver:
    """Conjugate gradients on the masked Laplacian: any holes, one per image."""

    def __init__(self, laplacian: _Laplacian, max_iterations: int) -> None:
        self.laplacian, self.max_iterations = laplacian, max_iterations

    def __call__(self, rhs: torch.Tensor, start: torch.Tensor) -> torch.Tensor:
        return conjugate_gradients(self.laplacian, rhs, start,
                                   max_iterations=self.max_iterations)


class _DirectSolver:
    """The inverse of the hole's Laplacian (through its Cholesky factor), when every image
    of the batch has the same hole (a centre box): one matrix product instead of tens of
    iterations (triangular solves were 20x slower than the product on CPU)."""

    def __init__(self, hole: torch.Tensor, degree: torch.Tensor) -> None:
        self.hole, self.degree = hole, degree
        height, width = hole.shape
        self.index = hole.flatten().nonzero().squeeze(1)
        count = self.index.numel()
        position = torch.full((height * width,), -1, dtype=torch.long, device=hole.device)
        position[self.index] = torch.arange(count, device=hole.device)
        grid = position.view(height, width)
        matrix = torch.diag(degree.flatten()[self.index])
        for a, b in ((grid[:, :-1], grid[:, 1:]), (grid[:-1, :], grid[1:, :])):
            pairs = (a >= 0) & (b >= 0)  # neighbours that are both unknowns
            matrix[a[pairs], b[pairs]] = -1.0
            matrix[b[pairs], a[pairs]] = -1.0
        self.inverse = torch.cholesky_inverse(torch.linalg.cholesky(matrix))

    def fits(self, hole: torch.Tensor, degree: torch.Tensor) -> bool:
        return (hole.shape == self.hole.shape and hole.device == self.hole.device
                and hole.dtype == self.hole.dtype and torch.equal(hole, self.hole)
                and torch.equal(degree, self.degree))

    def __call__(self, rhs: torch.Tensor, start: torch.Tensor) -> torch.Tensor:
        flat = rhs.flatten(-2)
        rows = flat[..., self.index].reshape(-1, self.index.numel())
        solved = rows @ self.inverse  # the inverse is symmetric
        out = torch.zeros_like(flat)
        out[..., self.index] = solved.reshape(*flat.shape[:-1], -1)
        return out.view(rhs.shape)


# Unknowns up to which a shared hole is solved directly (a 64x64 box: a 4096^2 inverse).
DIRECT_LIMIT = 4096
# The newest direct solver: a run uses one hole shape, so it serves every later batch.
_cached: Optional[_DirectSolver] = None


def _solver(mask: torch.Tensor, degree: torch.Tensor, max_iterations: int):
    global _cached
    hole, hole_degree = mask[0, 0], degree[0, 0].to(mask.dtype)
    # One hole for a whole batch (a recipe's centre box): its inverse serves every later
    # batch. A single image's hole (inference) is solved once: iterating is cheaper.
    if mask.shape[0] > 1 and bool((mask == hole).all()):
        if _cached is None or not _cached.fits(hole, hole_degree):
            count = int(hole.sum())
            _cached = _DirectSolver(hole, hole_degree) if 0 < count <= DIRECT_LIMIT else None
        if _cached is not None and _cached.index.numel() <= DIRECT_LIMIT:
            return _cached
    return _IterativeSolver(_Laplacian(mask, degree), max_iterations)


class _PoissonSolve(torch.autograd.Function):
    """f (on the hole) from the fill ``g`` and the known pixels; differentiable in ``g``."""

    @staticmethod
    def forward(ctx, fill, known, mask, degree, max_iterations):
        laplacian = _Laplacian(mask, degree)
        # Known neighbours of each hole pixel pull it towards their values.
        rhs = mask * neighbour_sum(known * (1 - mask)) + laplacian.guidance(fill)
        solve = _solver(mask, degree, max_iterations)
        ctx.save_for_backward(mask, degree)
        ctx.solve = solve
        return solve(rhs, mask * fill)

    @staticmethod
    def backward(ctx, grad_solved):
        mask, degree = ctx.saved_tensors
        adjoint = ctx.solve(mask * grad_solved, torch.zeros_like(grad_solved))
        return _Laplacian(mask, degree).guidance(adjoint), None, None, None, None


def poisson_blend(fill: torch.Tensor, known: torch.Tensor, mask: torch.Tensor, *,
                  max_iterations: Optional[int] = None) -> torch.Tensor:
    """``fill`` (N, C, H, W) blended into ``known`` where ``mask`` (N, 1, H, W) is 1.

    Outside the hole the result is ``known``; inside, the fill's gradients with the known
    pixels' values at the border. Images without a known pixel keep their fill (nothing
    to blend with). Runs in fp32 (fp64 for fp64 inputs) and returns the fill's dtype.
    """
    dtype = fill.dtype
    work = torch.float64 if dtype == torch.float64 else torch.float32
    fill32, known32 = fill.to(work), known.to(work)
    hole = (mask > 0.5).to(work).expand_as(fill32)
    has_known = (hole < 0.5).flatten(1).any(dim=1).view(-1, 1, 1, 1)
    hole = hole * has_known
    if max_iterations is None:
        # Conjugate gradients needs about as many iterations as the hole is wide; a
        # few times the image side is a bound it never reaches on fp32 fills.
        max_iterations = 4 * max(fill.shape[-2:])
    # Solve only over the window that holds the holes (plus a known border): the degree of
    # each pixel still counts the neighbours the whole image gives it.
    rows, cols = hole_window(hole)
    degree = neighbour_sum(torch.ones_like(hole[:1, :1]))[..., rows, cols].contiguous()
    solved = torch.zeros_like(fill32)
    solved[..., rows, cols] = _PoissonSolve.apply(
        fill32[..., rows, cols], known32[..., rows, cols], hole[..., rows, cols].contiguous(),
        degree, max_iterations)
    blended = solved + (1 - hole) * torch.where(has_known, known32, fill32)
    return blended.to(dtype)


def hole_mean_fill(image: torch.Tensor, mask: torch.Tensor, *, middle: float = 0.0) -> torch.Tensor:
    """``image`` with each hole filled by the mean of that image's known pixels, per channel
    (``middle`` where an image has none)."""
    known = (1 - mask).to(image.dtype).expand_as(image)
    count = known.sum(dim=(2, 3), keepdim=True)
    mean = (image * known).sum(dim=(2, 3), keepdim=True) / count.clamp_min(1)
    mean = torch.where(count > 0, mean, torch.full_like(mean, middle))
    return known * image + (1 - known) * mean


def harmonic_fill(image: torch.Tensor, mask: torch.Tensor, *, middle: float = 0.0) -> torch.Tensor:
    """The smoothest surface meeting the known pixels of ``image`` at the hole's border (the
    Laplace equation on the hole, membrane inpainting): a Poisson blend of a fill with no
    gradients of its own. The mean fill is that fill because it is also the solver's start."""
    return poisson_blend(hole_mean_fill(image, mask, middle=middle), image, mask)
