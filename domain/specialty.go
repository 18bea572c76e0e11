package domain

// specialties are the official registration specialties per qualification level.
var specialties = map[int][]string{
	1: {"建筑工程", "公路工程", "铁路工程", "民航机场工程", "港口与航道工程", "水利水电工程", "矿业工程", "市政公用工程", "通信与广电工程", "机电工程"},
	2: {"建筑工程", "公路工程", "水利水电工程", "市政公用工程", "矿业工程", "机电工程"},
}

// Specialties returns the official specialties for a level (1 or 2), or nil.
func Specialties(level int) []string {
	return append([]string(nil), specialties[level]...)
}

// ValidSpecialty reports whether specialty exists at level.
func ValidSpecialty(level int, specialty string) bool {
	return contains(specialties[level], specialty)
}
