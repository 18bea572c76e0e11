package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Retention parses a retention period: whole years ("10y", 365 days each), whole days ("30d")
// or a Go duration ("72h"). It must be positive.
func Retention(v string) (time.Duration, error) {
	var d time.Duration
	switch {
	case strings.HasSuffix(v, "y"), strings.HasSuffix(v, "d"):
		n, err := strconv.Atoi(v[:len(v)-1])
		if err != nil {
			return 0, fmt.Errorf("%q is not a number of years (10y) or days (30d)", v)
		}
		d = time.Duration(n) * 24 * time.Hour
		if strings.HasSuffix(v, "y") {
			d *= 365
		}
	default:
		var err error
		if d, err = time.ParseDuration(v); err != nil {
			return 0, fmt.Errorf("%q is not a period such as 10y, 30d or 72h", v)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be positive", v)
	}
	return d, nil
}
