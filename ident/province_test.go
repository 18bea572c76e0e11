package ident

import "testing"

func TestProvinceAbbrevAll(t *testing.T) {
	// The 31 mainland province-level divisions, written out independently
	// of the package table.
	want := map[string]string{
		"11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙",
		"21": "辽", "22": "吉", "23": "黑", "31": "沪", "32": "苏",
		"33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁",
		"41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂",
		"46": "琼", "50": "渝", "51": "川", "52": "黔", "53": "滇",
		"54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁",
		"65": "新",
	}
	if len(want) != 31 {
		t.Fatalf("test table has %d entries", len(want))
	}
	for code, abbrev := range want {
		got, ok := ProvinceAbbrev(code)
		if !ok || got != abbrev {
			t.Errorf("ProvinceAbbrev(%q) = %q, %v; want %q", code, got, ok, abbrev)
		}
		if !ValidProvince(code) {
			t.Errorf("ValidProvince(%q) = false", code)
		}
	}
	// Exhaustive over all two-digit strings: nothing else is valid.
	valid := 0
	for i := 0; i < 100; i++ {
		code := string([]byte{byte('0' + i/10), byte('0' + i%10)})
		if ValidProvince(code) {
			valid++
			if _, ok := want[code]; !ok {
				t.Errorf("ValidProvince(%q) = true, not a mainland province code", code)
			}
		}
	}
	if valid != 31 {
		t.Errorf("%d valid codes, want 31", valid)
	}
}

func TestProvinceAbbrevRejects(t *testing.T) {
	for _, code := range []string{"", "1", "110", "210102", "71", "81", "82", "91", "00", " 11", "京"} {
		if a, ok := ProvinceAbbrev(code); ok || a != "" {
			t.Errorf("ProvinceAbbrev(%q) = %q, %v; want not found", code, a, ok)
		}
		if ValidProvince(code) {
			t.Errorf("ValidProvince(%q) = true", code)
		}
	}
}
