"""Korean particles after numbers: 은/는, 이/가, 을/를, 과/와, 으로/로 chosen by how the number
is read aloud (Sino-Korean: 5664 is 오천육백육십사, ending in 사 with no final consonant, so
"5664는"; 5660 ends in 십, so "5660은"). Pure functions."""

from __future__ import annotations

import re

# final consonant of each digit's reading: 영 일 이 삼 사 오 육 칠 팔 구 ("" = none)
_DIGIT_FINAL = ("ㅇ", "ㄹ", "", "ㅁ", "", "", "ㄱ", "ㄹ", "ㄹ", "")
# the unit read last when a whole number ends in zeros: 십 백 천 만 (10^5..10^7 end in 만) 억 조
_UNIT_FINAL = {1: "ㅂ", 2: "ㄱ", 3: "ㄴ", 4: "ㄴ", 5: "ㄴ", 6: "ㄴ", 7: "ㄴ", 8: "ㄱ", 9: "ㄱ",
               10: "ㄱ", 11: "ㄱ", 12: ""}
PAIRS = {"은": ("은", "는"), "는": ("은", "는"), "이": ("이", "가"), "가": ("이", "가"),
         "을": ("을", "를"), "를": ("을", "를"), "과": ("과", "와"), "와": ("과", "와"),
         "으로": ("으로", "로"), "로": ("으로", "로")}
_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?")


def final_consonant(number_text: str) -> str:
    """The final consonant ("" for none) of the last syllable of a number read in Korean;
    ``number_text`` is the number as printed (the last number in it counts)."""
    found = _NUMBER.findall(number_text.replace(",", ""))
    if not found:
        raise ValueError(f"no number in {number_text!r}")
    whole, fraction = found[-1]
    if fraction:
        return _DIGIT_FINAL[int(fraction[-1])]
    stripped = whole.lstrip("0")
    if not stripped:
        return _DIGIT_FINAL[0]
    zeros = len(stripped) - len(stripped.rstrip("0"))
    if zeros == 0:
        return _DIGIT_FINAL[int(stripped[-1])]
    return _UNIT_FINAL.get(zeros, "")


def particle(number_text: str, which: str) -> str:
    """The form of particle ``which`` (either spelling of 은/는, 이/가, 을/를, 과/와, 으로/로, or
    a pair like "은/는") that follows the number."""
    key = which.split("/")[0]
    if key not in PAIRS:
        raise ValueError(f"unknown particle {which!r}; expected one of "
                         + ", ".join(sorted({"/".join(p) for p in PAIRS.values()})))
    with_final, without = PAIRS[key]
    final = final_consonant(number_text)
    if key in ("으로", "로"):
        return without if final in ("", "ㄹ") else with_final
    return with_final if final else without
