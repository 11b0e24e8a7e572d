package report

import "testing"

func TestCompact(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{
		{0, "0"}, {0.4, "0"}, {987, "987"}, {999.6, "1K"}, {1000, "1K"}, {1500, "1.5K"},
		{40404, "40.4K"}, {999_499, "999K"}, {999_999, "1M"}, {1_250_000, "1.25M"},
		{12_345_678, "12.3M"}, {3e9, "3B"}, {2.5e12, "2500B"},
	} {
		if got := Compact(c.in); got != c.want {
			t.Errorf("Compact(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestGrouped(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 10000: "10,000", 1234567: "1,234,567", -45000: "-45,000"} {
		if got := grouped(in); got != want {
			t.Errorf("grouped(%v) = %q, want %q", in, got, want)
		}
	}
}
