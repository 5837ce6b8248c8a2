"""Image references (distribution/reference grammar) and the Python a base image carries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from packaging.version import Version

_HUB = "docker.io"
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_PATH_PART = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
# distribution/reference's ReferenceRegexp, with the domain always present (see parse).
_REFERENCE = re.compile(
    rf"({_DOMAIN})/({_PATH_PART}(?:/{_PATH_PART})*)(?::(\w[\w.-]{{0,127}}))?(?:@({_DIGEST}))?",
    re.ASCII,
)
_DIGEST_HEX = {"sha256": 64, "sha384": 96, "sha512": 128}  # go-digest's registered algorithms
_ROOT_IMAGES = frozenset({"python", "pypy", "debian", "ubuntu", "alpine"})
# Images that set no WORKDIR, so a stage starts in `/`: docker-library bases and uv's images.
_ROOT_WORKDIR_IMAGES = frozenset(
    [f"{_HUB}/library/{name}" for name in ("python", "pypy", "debian", "ubuntu", "alpine",
     "buildpack-deps", "fedora", "centos", "rockylinux", "almalinux", "amazonlinux")]
    + ["ghcr.io/astral-sh/uv"]
)  # fmt: skip
_DEBIAN = frozenset({"jessie", "stretch", "buster", "bullseye", "bookworm", "trixie"})
_VERSION = re.compile(r"(\d+)(?:\.(\d+)(?:\.(\d+))?)?((?:a|b|rc)\d+)?(t)?", re.ASCII)
_PYTHON_TOKEN = re.compile(r"python\d+\.\d+(?:\.\d+)?t?", re.ASCII)


@dataclass(frozen=True)
class ImageRef:
    """A parsed `FROM` image; Docker Hub names are normalised (`python` is
    `docker.io/library/python`)."""

    raw: str
    registry: str  # "docker.io" when none is written; index.docker.io folds into it
    path: str  # repository path, e.g. "library/python" or "astral-sh/uv"
    tag: str | None = None
    digest: str | None = None

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.path}"

    @property
    def familiar_name(self) -> str:
        """The name as Docker prints it: `python`, `astral-sh/uv`, `ghcr.io/astral-sh/uv`."""
        if self.registry != _HUB:
            return self.name
        short = self.path.removeprefix("library/")
        return self.path if "/" in short else short

    @property
    def is_scratch(self) -> bool:
        # BuildKit compares the literal FROM value with "scratch" (emptyImageName).
        return self.raw == "scratch"


@dataclass(frozen=True)
class ImagePython:
    """The interpreter of a base image, as far as its name and tag tell."""

    implementation: Literal["cpython", "pypy"]
    version: Version | None  # None: the tag does not name the minor (`3`, `latest`, `slim`)
    series: bool = False  # True for `X.Y` (any X.Y.*), False for a release `X.Y.Z`
    free_threaded: bool = False
    libc: Literal["glibc", "musl"] | None = None

    @property
    def minor(self) -> tuple[int, int] | None:
        return None if self.version is None else (self.version.major, self.version.minor)

    @property
    def specifier(self) -> str | None:
        """`==3.12.*` for a series, `==3.12.4` for a release, None when unknown."""
        if self.version is None:
            return None
        if self.series:
            return f"=={self.version.major}.{self.version.minor}.*"
        return f"=={self.version}"


def parse_image_ref(ref: str) -> ImageRef | None:
    """Parse like distribution/reference's ParseNormalizedNamed; None if Docker would refuse."""
    if not ref or len(ref) > 1024 or re.fullmatch(r"[a-f0-9]{64}", ref):
        return None
    # splitDockerDomain: the first component is a registry only if it has "." or ":", is
    # "localhost", or is not lowercase; otherwise the whole name lives on Docker Hub.
    first, slash, rest = ref.partition("/")
    if slash and (first == "localhost" or any(c in first for c in ".:") or first != first.lower()):
        domain, remainder = first, rest
    else:
        domain, remainder = _HUB, ref
    if domain == "index.docker.io":
        domain = _HUB
    if domain == _HUB and "/" not in remainder:  # tags and digests hold no "/"
        remainder = "library/" + remainder
    if remainder.partition(":")[0] != remainder.partition(":")[0].lower():
        return None
    match = _REFERENCE.fullmatch(f"{domain}/{remainder}")
    if match is None or len(match[2]) > 255:
        return None
    digest = match[4]
    if digest is not None:
        algorithm, _, hexdigits = digest.partition(":")
        size = _DIGEST_HEX.get(algorithm)
        if size is None or len(hexdigits) != size or not re.fullmatch("[a-f0-9]+", hexdigits):
            return None
    return ImageRef(ref, match[1], match[2], match[3], digest)


def python_of(ref: str | ImageRef) -> ImagePython | None:
    """The Python a base image provides (RULES.md "Base-image Python"), None if it is not
    known to carry one."""
    image = parse_image_ref(ref) if isinstance(ref, str) else ref
    if image is None or image.is_scratch:
        return None
    tokens = image.tag.split("-") if image.tag else []
    if image.registry == _HUB and image.path in ("library/python", "library/pypy"):
        implementation: Literal["cpython", "pypy"] = "pypy" if "pypy" in image.path else "cpython"
        version = _VERSION.fullmatch(tokens[0]) if tokens else None
        bare = bool(tokens) and all(_VERSION.fullmatch(t) or t == "rc" for t in tokens)
        libc = _libc(image.tag, tokens, bare)
        if version is None or version[2] is None:  # no tag, `3`, `latest`, `slim`, `alpine`
            return ImagePython(implementation, None, libc=libc)
        return _python(implementation, tokens[0], libc)
    for token in tokens:
        if _PYTHON_TOKEN.fullmatch(token):  # e.g. astral-sh/uv:python3.12-bookworm-slim
            return _python("cpython", token.removeprefix("python"), _libc(image.tag, tokens, False))
    return None


def runs_as_root_by_default(ref: str | ImageRef) -> bool | None:
    """True for docker-library images known to run as root; None (unknown) for others."""
    image = parse_image_ref(ref) if isinstance(ref, str) else ref
    if image is None or image.registry != _HUB or not image.path.startswith("library/"):
        return None
    if image.tag is not None and ("nanoserver" in image.tag or "windowsservercore" in image.tag):
        return None  # Windows variants: `ContainerUser` (nanoserver) or an administrator, not root
    return True if image.path.removeprefix("library/") in _ROOT_IMAGES else None


def initial_workdir(ref: str | ImageRef) -> str | None:
    """The working directory a stage built FROM the image starts in: `/` for `scratch` and
    images known to set no WORKDIR; None (unknown) for any other image, which may set one."""
    image = parse_image_ref(ref) if isinstance(ref, str) else ref
    if image is None:
        return None
    return "/" if image.is_scratch or image.name in _ROOT_WORKDIR_IMAGES else None


def _libc(tag: str | None, tokens: list[str], bare: bool) -> Literal["glibc", "musl"] | None:
    if tag is None or "windowsservercore" in tag or "nanoserver" in tag:
        return None
    if "alpine" in tag:
        return "musl"
    if bare or "slim" in tokens or _DEBIAN.intersection(tokens):
        return "glibc"
    return None


def _python(
    implementation: Literal["cpython", "pypy"], text: str, libc: Literal["glibc", "musl"] | None
) -> ImagePython:
    from packaging.version import Version

    version = text.removesuffix("t")
    return ImagePython(
        implementation, Version(version), version.count(".") == 1, text.endswith("t"), libc
    )
