"""Device profiles: every vector in ../shared/data/ble exact, encoder round trips, fuzzing."""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from motionrehab.errors import InvalidDataError
from motionrehab.sensors.ble.profiles import (
    PROFILES,
    get_profile,
    match_profile,
    polar_pmd,
    rsc,
    thingy52,
    witmotion,
)
from motionrehab.sensors.ble.profiles.base import (
    STANDARD_GRAVITY_M_S2,
    InertialSample,
    MalformedPacket,
    uuid16,
)


def _load(shared_data: Path, name: str) -> dict:
    return json.loads((shared_data / "ble" / name).read_text(encoding="utf-8"))


def _hex(text: str) -> bytes:
    return bytes.fromhex(text.replace(" ", ""))


# ----------------------------------------------------------------------------- RSC


def test_rsc_every_vector_exact(shared_data: Path) -> None:
    vectors = _load(shared_data, "rsc_vectors.json")["vectors"]
    assert len(vectors) == 10
    for vector in vectors:
        data = _hex(vector["bytes_hex"])
        expected = vector["expected"]
        assert len(data) == vector["length"]
        m = rsc.decode_rsc(data)
        assert m.flags == expected["flags"], vector["id"]
        assert m.speed_raw == expected["speed_raw"]
        assert m.speed_m_s == expected["speed_mps"]
        assert m.cadence_per_min == expected["cadence_per_min"]
        assert m.is_running is expected["is_running"]
        assert m.stride_length_raw == expected["stride_length_raw"]
        assert m.total_distance_raw == expected["total_distance_raw"]
        if expected["stride_length_m"] is None:
            assert m.stride_length_m is None
        else:
            assert m.stride_length_m == pytest.approx(expected["stride_length_m"], abs=1e-9)
        if expected["total_distance_m"] is None:
            assert m.total_distance_m is None
        else:
            assert m.total_distance_m == pytest.approx(expected["total_distance_m"], abs=1e-9)
        assert rsc.encode_rsc(m) == data
        decoded = rsc.RscDecoder().feed(rsc.MEASUREMENT_UUID, data)
        assert decoded.problem is None
        assert len(decoded.samples) == 1
        assert decoded.samples[0].speed_m_s == expected["speed_mps"]


def test_rsc_truncated_vectors_are_malformed(shared_data: Path) -> None:
    cut = 0
    for vector in _load(shared_data, "rsc_vectors.json")["vectors"]:
        data = _hex(vector["bytes_hex"])
        if vector["expected"]["flags"] & 0x03:
            decoded = rsc.RscDecoder().feed(rsc.MEASUREMENT_UUID, data[:-1])
            assert decoded.samples == ()
            assert decoded.problem is not None and "ends before" in decoded.problem
            cut += 1
    assert cut == 8  # 6 flag combinations with an optional field, plus the zero and max vectors


@given(
    speed=st.integers(0, 0xFFFF),
    cadence=st.integers(0, 0xFF),
    running=st.booleans(),
    stride=st.none() | st.integers(0, 0xFFFF),
    distance=st.none() | st.integers(0, 0xFFFFFFFF),
)
def test_rsc_round_trip(speed: int, cadence: int, running: bool, stride: int | None, distance: int | None) -> None:
    m = rsc.RscMeasurement(speed, cadence, running, stride, distance)
    data = rsc.encode_rsc(m)
    assert len(data) == 4 + (2 if stride is not None else 0) + (4 if distance is not None else 0)
    assert rsc.decode_rsc(data) == m
    sample = rsc.RscDecoder().feed(rsc.MEASUREMENT_UUID, data).samples[0]
    assert sample.speed_m_s == speed / 256.0
    assert sample.total_distance_m == (None if distance is None else distance / 10.0)


# ----------------------------------------------------------------------------- WitMotion


def test_witmotion_every_vector_exact(shared_data: Path) -> None:
    body = _load(shared_data, "witmotion_bwt901ble_vectors.json")
    assert len(body["vectors"]) == 6
    for vector in body["vectors"]:
        data = _hex(vector["bytes_hex"])
        expected = vector["expected"]
        frame = witmotion.decode_frame(data)
        assert list(frame.raw) == expected["raw_int16"], vector["id"]
        np.testing.assert_allclose(frame.acc_g, expected["acc_g"], rtol=0, atol=1e-9)
        np.testing.assert_allclose(frame.gyro_deg_s, expected["gyro_dps"], rtol=0, atol=1e-9)
        np.testing.assert_allclose(frame.angle_deg, expected["angle_deg"], rtol=0, atol=1e-9)
        assert witmotion.encode_frame(frame.raw) == data
        decoded = witmotion.WitMotionDecoder().feed(witmotion.NOTIFY_UUID, data)
        assert decoded.problem is None and len(decoded.samples) == 1
        sample = decoded.samples[0]
        assert isinstance(sample, InertialSample)
        # g -> m/s^2 exactly once, in the decoder
        np.testing.assert_allclose(sample.acc_m_s2, np.array(expected["acc_g"]) * STANDARD_GRAVITY_M_S2, rtol=0,
                                   atol=1e-9)  # fmt: skip
        np.testing.assert_allclose(sample.gyr_deg_s, expected["gyro_dps"], rtol=0, atol=1e-9)


def test_witmotion_stream_vector_resynchronises(shared_data: Path) -> None:
    body = _load(shared_data, "witmotion_bwt901ble_vectors.json")
    by_id = {v["id"]: v for v in body["vectors"]}
    decoder = witmotion.WitMotionDecoder()
    samples = []
    problems = []
    for text in body["stream_vector"]["notifications_hex"]:
        decoded = decoder.feed(witmotion.NOTIFY_UUID, _hex(text))
        samples.extend(decoded.samples)
        problems.append(decoded.problem)
    ids = body["stream_vector"]["expected_packet_ids"]
    assert len(samples) == len(ids) == 2
    for sample, packet_id in zip(samples, ids, strict=True):
        raw = by_id[packet_id]["expected"]["gyro_dps"]
        np.testing.assert_allclose(sample.gyr_deg_s, raw, rtol=0, atol=1e-9)
    # the stray leading byte is reported, nothing else
    assert problems[0] == "skipped 1 byte(s) outside 0x55 0x61 frames"
    assert problems[1:] == [None, None]


def test_witmotion_frame_rejects_wrong_header() -> None:
    with pytest.raises(MalformedPacket, match="expected 55 61"):
        witmotion.decode_frame(bytes([0x55, 0x71]) + bytes(18))
    with pytest.raises(MalformedPacket, match="19 bytes"):
        witmotion.decode_frame(bytes(19))


@given(
    frames=st.lists(st.tuples(*[st.integers(-32768, 32767)] * 9), min_size=1, max_size=6),
    cuts=st.lists(st.integers(1, 200), max_size=8),
)
def test_witmotion_round_trip_any_split(frames: list[tuple[int, ...]], cuts: list[int]) -> None:
    stream = b"".join(witmotion.encode_frame(f) for f in frames)
    points = sorted({c for c in cuts if c < len(stream)})
    pieces = [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]
    decoder = witmotion.WitMotionDecoder()
    out = []
    for piece in pieces:
        decoded = decoder.feed(witmotion.NOTIFY_UUID, piece)
        assert decoded.problem is None
        out.extend(decoded.samples)
    assert len(out) == len(frames)
    for sample, raw in zip(out, frames, strict=True):
        assert sample.gyr_deg_s == tuple(v / 32768.0 * 2000.0 for v in raw[3:6])
        assert sample.acc_m_s2 == tuple(v / 32768.0 * 16.0 * STANDARD_GRAVITY_M_S2 for v in raw[0:3])


# ----------------------------------------------------------------------------- Polar PMD


def test_polar_every_vector_exact(shared_data: Path) -> None:
    body = _load(shared_data, "polar_pmd_vectors.json")
    assert len(body["vectors"]) == 6
    for vector in body["vectors"]:
        data = bytes.fromhex(vector["frame_hex"].replace(" ", ""))
        assert len(data) == vector["frame_len"]
        context_json = vector["decoder_context"]
        context = polar_pmd.PmdContext(context_json["previous_frame_timestamp_ns"], context_json["factor"],
                                       float(context_json["sample_rate_hz"]))  # fmt: skip
        frame = polar_pmd.decode_pmd_frame(data, context)
        expected = vector["expected_samples"]
        assert len(frame.xyz) == vector["expected_sample_count"] == len(expected), vector["id"]
        assert frame.compressed is vector["header"]["compressed"]
        assert frame.timestamp_ns == vector["header"]["timestamp_ns_le_u64"]
        assert list(frame.timestamps_ns) == [s["timestamp_ns"] for s in expected], vector["id"]
        is_acc = vector["header"]["measurement_type"].startswith("0x02")
        for got, want in zip(frame.xyz, expected, strict=True):
            if is_acc:  # integer milli-g: exact
                assert got == (want["x"], want["y"], want["z"]), vector["id"]
                assert all(float(v).is_integer() for v in got)
            else:  # float32 deg/s: 1e-6 relative
                np.testing.assert_allclose(got, (want["x"], want["y"], want["z"]), rtol=1e-6, atol=0)
        for claim in vector["asserted_upstream"]:
            if claim["what"] == "sample":
                np.testing.assert_allclose(frame.xyz[claim["index"]], claim["xyz"], rtol=1e-6, atol=0)
            elif claim["what"] == "timestamp":
                assert frame.timestamps_ns[claim["index"]] == claim["value"]
            elif claim["what"] == "count":
                assert len(frame.xyz) == claim["value"]
            elif claim["what"] == "abs_max":
                assert max(abs(v) for s in frame.xyz for v in s) <= claim["value"]


def test_polar_stream_decoder_units_and_time() -> None:
    # ACC frame at 52 Hz in milli-g; the stream decoder gives m/s^2 and device seconds
    samples = [(0, 0, 1000), (10, -20, 1001)]
    data = polar_pmd.encode_pmd_frame(polar_pmd.ACC, 2_000_000_000, samples)
    decoded = polar_pmd.PmdDecoder().feed(polar_pmd.DATA_UUID, data)
    assert decoded.problem is None
    assert decoded.samples[-1].device_time_s == 2.0
    assert decoded.samples[0].device_time_s == pytest.approx(2.0 - 1 / 52, abs=1e-9)
    assert decoded.samples[0].acc_m_s2 == pytest.approx((0.0, 0.0, 9.80665), abs=1e-12)
    # a frame whose timestamp does not advance is malformed
    again = polar_pmd.PmdDecoder()
    again.feed(polar_pmd.DATA_UUID, data)
    assert again.feed(polar_pmd.DATA_UUID, data).problem == (
        "PMD frame timestamp 2000000000 does not advance past 2000000000")


@settings(max_examples=150)
@given(
    measurement=st.sampled_from([polar_pmd.ACC, polar_pmd.GYRO]),
    samples=st.lists(st.tuples(*[st.integers(-2000, 2000)] * 3), min_size=1, max_size=40),
    compressed=st.booleans(),
    t_ns=st.integers(10**9, 2**62),
)
def test_polar_round_trip(measurement: int, samples: list[tuple[int, int, int]], compressed: bool, t_ns: int) -> None:
    if measurement == polar_pmd.GYRO:
        compressed = True  # uncompressed GYRO frames are not part of the PMD spec we decode
    data = polar_pmd.encode_pmd_frame(measurement, t_ns, samples, compressed=compressed)
    frame = polar_pmd.decode_pmd_frame(data, polar_pmd.PmdContext(0, 1.0, 52.0))
    assert frame.measurement_type == measurement
    assert frame.compressed is compressed
    assert frame.xyz == tuple(tuple(float(v) for v in s) for s in samples)
    assert frame.timestamps_ns[-1] == t_ns
    assert len(frame.timestamps_ns) == len(samples)


# ----------------------------------------------------------------------------- Thingy:52


def test_thingy_known_values() -> None:
    # 1 g on z (Q6.10 = 1024), 100 deg/s on x (Q11.5 = 3200), 40 uT on y (Q12.4 = 640)
    data = struct.pack("<9h", 0, 0, 1024, 3200, 0, 0, 0, 640, 0)
    decoded = thingy52.ThingyDecoder().feed(thingy52.RAW_DATA_UUID, data)
    assert decoded.problem is None
    (sample,) = decoded.samples
    assert sample.acc_m_s2 == (0.0, 0.0, 9.80665)
    assert sample.gyr_deg_s == (100.0, 0.0, 0.0)
    assert sample.mag_uT == (0.0, 40.0, 0.0)
    assert thingy52.motion_config(200) == bytes.fromhex("e803f401f401c80001")
    with pytest.raises(ValueError, match="5-200 Hz"):
        thingy52.motion_config(400)


@given(raw=st.tuples(*[st.integers(-32768, 32767)] * 9))
def test_thingy_round_trip(raw: tuple[int, ...]) -> None:
    data = thingy52.encode_raw(raw)
    assert thingy52.decode_raw(data).raw == raw
    (sample,) = thingy52.ThingyDecoder().feed(thingy52.RAW_DATA_UUID, data).samples
    assert sample.gyr_deg_s == tuple(v / 32 for v in raw[3:6])
    assert sample.mag_uT == tuple(v / 16 for v in raw[6:9])


# ----------------------------------------------------------------------------- registry


def test_registry_and_matching() -> None:
    assert set(PROFILES) == {"rsc", "witmotion", "polar_pmd", "thingy52"}
    assert match_profile("Stryd", [uuid16(0x1814).upper()]).name == "rsc"
    assert match_profile("", [witmotion.SERVICE_UUID]).name == "witmotion"
    assert match_profile("Polar Sense 1234", []).name == "polar_pmd"
    assert match_profile("Thingy", [thingy52.CONFIGURATION_SERVICE_UUID]).name == "thingy52"
    assert match_profile("Headphones", [uuid16(0x180D)]) is None
    with pytest.raises(InvalidDataError, match="unknown sensor profile 'nope'"):
        get_profile("nope")
    for profile in PROFILES.values():
        assert profile.notify_characteristics, profile.name
        assert profile.advertised_services, profile.name


def test_wrong_characteristic_is_malformed_not_a_crash() -> None:
    for profile in PROFILES.values():
        decoded = profile.make_decoder().feed(uuid16(0x2A37), b"\x00\x01")
        assert decoded.samples == ()
        assert decoded.problem == f"unexpected characteristic {uuid16(0x2A37)}"


# ----------------------------------------------------------------------------- fuzzing

FUZZ_PACKETS = 100_000


def _valid_packets(shared_data: Path) -> dict[str, list[tuple[str, bytes]]]:
    pmd = _load(shared_data, "polar_pmd_vectors.json")["vectors"]
    return {
        "rsc": [(rsc.MEASUREMENT_UUID, _hex(v["bytes_hex"])) for v in _load(shared_data, "rsc_vectors.json")["vectors"]],
        "witmotion": [(witmotion.NOTIFY_UUID, _hex(v["bytes_hex"]))
                      for v in _load(shared_data, "witmotion_bwt901ble_vectors.json")["vectors"]],  # fmt: skip
        "polar_pmd": [(polar_pmd.DATA_UUID, _hex(v["frame_hex"])) for v in pmd],
        "thingy52": [(thingy52.RAW_DATA_UUID, thingy52.encode_raw((1, -2, 1024, 30, -40, 50, 600, -700, 800)))],
    }


def test_fuzzed_packets_never_escape(shared_data: Path) -> None:
    """10^5 packets per decoder (random bytes, bit flips, truncations, extensions): each counted, none raises."""
    rng = np.random.default_rng(11)
    valid = _valid_packets(shared_data)
    for name, profile in PROFILES.items():
        decoder = profile.make_decoder()
        seeds = valid[name]
        counts = {"decoded": 0, "malformed": 0}
        lengths = rng.integers(0, 240, FUZZ_PACKETS).tolist()
        kinds = rng.integers(0, 4, FUZZ_PACKETS).tolist()
        picks = rng.integers(0, len(seeds), FUZZ_PACKETS).tolist()
        starts = rng.integers(0, 240 * 63, FUZZ_PACKETS).tolist()
        fractions = rng.random((FUZZ_PACKETS, 3)).tolist()
        noise = rng.integers(0, 256, 240 * 64, dtype=np.uint8).tobytes()
        for i in range(FUZZ_PACKETS):
            characteristic, seed = seeds[picks[i]]
            kind = kinds[i]
            if kind == 0:  # random bytes of random length
                data = noise[starts[i] : starts[i] + lengths[i]]
            elif kind == 1:  # one to three bit flips in a valid packet
                mutable = bytearray(seed)
                for flip in range(1 + i % 3):
                    bit = int(fractions[i][flip] * 8 * len(mutable))
                    mutable[bit // 8] ^= 1 << (bit % 8)
                data = bytes(mutable)
            elif kind == 2:  # truncated
                data = seed[: int(fractions[i][0] * len(seed))]
            else:  # extended with noise
                data = seed + noise[starts[i] : starts[i] + 1 + i % 9]
            if name == "polar_pmd":
                # a fresh stream each time: a reused decoder rejects most mutants up front because the
                # frame timestamp does not advance, and the fuzzing would never reach the delta parser
                decoder = profile.make_decoder()
            decoded = decoder.feed(characteristic, data)  # must not raise
            counts["malformed" if decoded.problem is not None else "decoded"] += 1
            for sample in decoded.samples:
                values = [v for v in (getattr(sample, "acc_m_s2", None), getattr(sample, "gyr_deg_s", None)) if v]
                assert all(math.isfinite(x) for v in values for x in v)
        assert counts["decoded"] + counts["malformed"] == FUZZ_PACKETS, name
        assert counts["malformed"] > 0, name
        assert counts["decoded"] > FUZZ_PACKETS // 100, name  # the mutants reach the full decoding path
