package governance_test

import (
	"strings"
	"testing"
)

func TestDigestIgnoresHowTheModelIsWritten(t *testing.T) {
	m, _ := parse(t, base)
	want := m.Digest()
	if !strings.HasPrefix(want, "sha256:") || len(want) != len("sha256:")+64 {
		t.Fatalf("digest %q is not sha256:<64 hex>", want)
	}
	// The same model: split across files (in either order), lists reordered,
	// block style instead of flow style, comments, other whitespace, an
	// equivalent duration, default values spelt out.
	head, tail, _ := strings.Cut(base, "roles:\n")
	tail = "roles:\n" + tail
	reordered := strings.NewReplacer(
		"  - {id: ann, name: Ann Lee, roles: [ceo]}\n  - {id: raj, name: Raj Patel, roles: [ciso], email: raj@acme.example}\n",
		"  - {id: raj, name: Raj Patel, roles: [ciso], email: raj@acme.example}  # the CISO\n  - id: ann\n    name: Ann Lee\n    roles:\n      - ceo\n    status: active\n",
		"sla: 10d", "sla: 240h",
		"measure: exposure", "measure:   exposure",
	).Replace(base)
	variants := map[string][]string{
		"two files":          {head, "apiVersion: antares/v1\n" + tail},
		"two files reversed": {"apiVersion: antares/v1\n" + tail, head},
		"rewritten":          {"# Acme's security governance\n" + reordered},
	}
	for name, files := range variants {
		m, errs := parse(t, files...)
		if errs != nil {
			t.Fatalf("%s: %v", name, errs)
		}
		if got := m.Digest(); got != want {
			t.Errorf("%s: digest %s, want %s", name, got, want)
		}
	}
	// Any change of meaning changes the digest.
	for _, change := range [][2]string{
		{"up_to: 50000", "up_to: 50001"},
		{"roles: [ceo]}", "roles: [ceo], status: departed}"},
		{"every: 90d", "every: 91d"},
		{"{accountable: ceo, domains: [identity]}\n      - {accountable: risk-committee}", "{accountable: risk-committee}\n      - {accountable: ceo, domains: [identity]}"},
	} {
		m, errs := parse(t, edit(t, change[0], change[1]))
		if errs != nil {
			t.Fatalf("%v: %v", change, errs)
		}
		if m.Digest() == want {
			t.Errorf("changing %q to %q kept the digest", change[0], change[1])
		}
	}
}
