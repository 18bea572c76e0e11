package ident

// provinceAbbrevs maps the 31 mainland province-level division codes (the
// first two digits of a GB/T 2260 region code) to their one-character
// abbreviations.
var provinceAbbrevs = map[string]string{
	"11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙",
	"21": "辽", "22": "吉", "23": "黑",
	"31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁",
	"41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼",
	"50": "渝", "51": "川", "52": "黔", "53": "滇", "54": "藏",
	"61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}

// provinceCodes is the reverse of provinceAbbrevs.
var provinceCodes = func() map[string]string {
	m := make(map[string]string, len(provinceAbbrevs))
	for code, abbrev := range provinceAbbrevs {
		m[abbrev] = code
	}
	return m
}()

// ProvinceAbbrev returns the one-character abbreviation (e.g. 辽) of a
// two-digit mainland province-level code (e.g. "21").
func ProvinceAbbrev(code string) (string, bool) {
	a, ok := provinceAbbrevs[code]
	return a, ok
}

// ValidProvince reports whether code is one of the 31 two-digit mainland
// province-level codes.
func ValidProvince(code string) bool {
	_, ok := provinceAbbrevs[code]
	return ok
}
