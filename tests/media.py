"""Test media made by the tests themselves (PyAV + NumPy + Pillow): no downloads."""

from __future__ import annotations

import fractions
from pathlib import Path

import numpy as np
import numpy.typing as npt

COLORS = [(200, 30, 30), (30, 160, 60), (40, 60, 200), (220, 200, 40), (120, 40, 160)]


_TEXTURES: dict[tuple[int, int, int], npt.NDArray[np.uint8]] = {}


def texture(scene: int, width: int, height: int) -> npt.NDArray[np.uint8]:
    """A scene's picture: smooth random blobs over the scene's colour (textured, like real footage, so
    perceptual hashes have high quality), the same for every frame of the scene."""
    key = (scene, width, height)
    if key not in _TEXTURES:
        rng = np.random.default_rng(1000 + scene)
        small = rng.random((9, 16, 3))
        from PIL import Image

        blobs = np.asarray(
            Image.fromarray((small * 255).astype(np.uint8)).resize((width, height), Image.BICUBIC)
        )
        base = np.array(COLORS[scene % len(COLORS)], dtype=np.float32)
        _TEXTURES[key] = np.clip(0.5 * base + 0.5 * blobs, 0, 255).astype(np.uint8)
    return _TEXTURES[key]


def scene_frame(i: int, scene: int, width: int, height: int) -> npt.NDArray[np.uint8]:
    img = texture(scene, width, height).copy()
    x = (i * 7) % max(1, width - width // 8)
    img[height // 6 : height // 3, x : x + width // 16] = 255  # something moving
    return img


def make_video(
    path: Path,
    *,
    seconds: float = 6.0,
    fps: int = 30,
    width: int = 640,
    height: int = 360,
    scene_every_s: float | None = 2.0,
    codec: str = "libx264",
    audio: npt.NDArray[np.float32] | None = None,
    sample_rate: int = 16000,
    frames: list[npt.NDArray[np.uint8]] | None = None,
    faststart: bool = False,
) -> Path:
    import av

    out = av.open(str(path), "w", options={"movflags": "faststart"} if faststart else {})
    v = out.add_stream(codec, rate=fps)
    v.width, v.height = width, height
    v.pix_fmt = "yuv420p"
    if codec == "libx264":
        v.options = {"preset": "ultrafast"}
    n = int(seconds * fps) if frames is None else len(frames)
    for i in range(n):
        img = (
            frames[i]
            if frames is not None
            else scene_frame(i, int(i / fps / scene_every_s) if scene_every_s else 0, width, height)
        )
        for p in v.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
            out.mux(p)
    for p in v.encode():
        out.mux(p)
    out.close()
    if audio is not None:
        _with_audio(path, audio, sample_rate, fps, faststart)
    return path


def _with_audio(
    path: Path, audio: npt.NDArray[np.float32], sample_rate: int, fps: int, faststart: bool
) -> None:
    """Remux the video with an AAC track (PyAV needs every stream declared before the first packet)."""
    import av

    src = av.open(str(path))
    tmp = path.with_suffix(".tmp.mp4")
    out = av.open(str(tmp), "w", options={"movflags": "faststart"} if faststart else {})
    vin = src.streams.video[0]
    vout = out.add_stream_from_template(vin)
    aout = out.add_stream("aac", rate=sample_rate)
    aout.layout = "mono"
    for packet in src.demux(vin):
        if packet.dts is None:
            continue
        packet.stream = vout
        out.mux(packet)
    for k in range(0, len(audio), 1024):
        f = av.AudioFrame.from_ndarray(
            audio[None, k : k + 1024].astype(np.float32), format="fltp", layout="mono"
        )
        f.sample_rate = sample_rate
        f.pts = k
        f.time_base = fractions.Fraction(1, sample_rate)
        for p in aout.encode(f):
            out.mux(p)
    for p in aout.encode():
        out.mux(p)
    out.close()
    src.close()
    tmp.replace(path)


def tone(seconds: float, sample_rate: int = 16000, hz: float = 440.0) -> npt.NDArray[np.float32]:
    t = np.arange(int(seconds * sample_rate)) / sample_rate
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def text_frame(scene: int, text: str, width: int = 1280, height: int = 720) -> npt.NDArray[np.uint8]:
    """A scene's picture with a caption burnt in, large and white, as short videos do."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.fromarray(texture(scene, width, height))
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", max(24, height // 13))
    except OSError:
        font = ImageFont.truetype(
            "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", max(24, height // 13)
        )
    x, y = width // 16, int(height * 0.72)
    box = draw.textbbox((x, y), text, font=font)
    draw.rectangle((box[0] - 12, box[1] - 12, box[2] + 12, box[3] + 12), fill=(0, 0, 0))
    draw.text((x, y), text, fill=(255, 255, 255), font=font)
    return np.asarray(img)


def speech(
    text: str, *, lead_s: float = 0.0, total_s: float | None = None, sample_rate: int = 16000
) -> npt.NDArray[np.float32]:
    """``text`` spoken by espeak-ng (Debian), starting after ``lead_s`` of silence, padded to ``total_s``."""
    import shutil
    import subprocess
    import tempfile

    import av

    exe = shutil.which("espeak-ng")
    if exe is None:
        raise FileNotFoundError("espeak-ng is not installed (apt-get install espeak-ng)")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "s.wav"
        subprocess.run(
            [exe, "-v", "en-us", "-s", "150", "-w", str(wav), text], check=True, capture_output=True
        )
        with av.open(str(wav)) as c:
            res = av.AudioResampler(format="flt", layout="mono", rate=sample_rate)
            voice = np.concatenate(
                [f.to_ndarray().reshape(-1) for fr in c.decode(audio=0) for f in res.resample(fr)]
            )
    out = np.concatenate([np.zeros(int(lead_s * sample_rate), np.float32), voice.astype(np.float32)])
    if total_s is not None:
        out = np.concatenate([out, np.zeros(max(0, int(total_s * sample_rate) - len(out)), np.float32)])
    return out


def c2pa_signed_jpeg(path: Path, *, generator: str = "TestGen AI", ai: bool = True) -> Path:
    """A JPEG with a C2PA manifest signed by a throw-away ES256 chain made here (root CA -> signer)."""
    import datetime
    import io
    import json

    import c2pa
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from PIL import Image

    now = datetime.datetime.now(datetime.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Watchkeeper tests")])  # fmt: skip

    def usage(ca: bool) -> x509.KeyUsage:
        return x509.KeyUsage(digital_signature=True, key_cert_sign=ca, crl_sign=ca, content_commitment=False,
                             key_encipherment=False, data_encipherment=False, key_agreement=False,
                             encipher_only=False, decipher_only=False)  # fmt: skip

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    valid = (now - datetime.timedelta(days=1), now + datetime.timedelta(days=30))
    ca = (x509.CertificateBuilder().subject_name(name("Test Root")).issuer_name(name("Test Root"))
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(valid[0]).not_valid_after(valid[1])
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(usage(True), critical=True).sign(ca_key, hashes.SHA256()))  # fmt: skip
    leaf = (x509.CertificateBuilder().subject_name(name(generator)).issuer_name(ca.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(valid[0]).not_valid_after(valid[1])
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))  # fmt: skip
    chain = leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    pkey = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())  # fmt: skip
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, pkey, None))
    source = "trainedAlgorithmicMedia" if ai else "digitalCapture"
    manifest = {
        "claim_generator_info": [{"name": generator, "version": "1.0"}],
        "title": path.name,
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [{
            "action": "c2pa.created",
            "digitalSourceType": f"http://cv.iptc.org/newscodes/digitalsourcetype/{source}",
            "softwareAgent": {"name": generator}}]}}],
    }  # fmt: skip
    src = io.BytesIO()
    Image.fromarray(texture(2, 320, 240)).save(src, "JPEG")
    src.seek(0)
    out = io.BytesIO()
    c2pa.Builder(json.dumps(manifest)).sign(signer, "image/jpeg", src, out)
    path.write_bytes(out.getvalue())
    return path
