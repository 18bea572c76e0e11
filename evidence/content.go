package evidence

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // registers the JPEG decoder used by image.DecodeConfig
	_ "image/png"  // registers the PNG decoder used by image.DecodeConfig
	"mime"
	"net/http"
)

// This file decides by content whether an upload is acceptable: its type and the absence of
// executable signatures from the head of the body, before anything is sent to MinIO, and its
// structure from a bounded view of the whole stream, decided when the stream ends.

const (
	// headLen is how much of the body is read before the upload starts. Executable signatures
	// are looked for in all of it.
	headLen = 1024
	// sniffLen is how much net/http.DetectContentType looks at.
	sniffLen = 512
	// pdfTailLen is where the %%EOF marker of a PDF must lie: within its last bytes.
	pdfTailLen = 1024
	// imagePrefixLen bounds how much of an image is kept to decode its header.
	imagePrefixLen = 256 << 10
)

// allowedTypes are the content types Put accepts, as returned by http.DetectContentType.
var allowedTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// signature is a byte pattern that marks executable content.
type signature struct {
	what    string
	magic   string
	atStart bool // only at offset 0; otherwise anywhere in the head
}

var executableSignatures = []signature{
	{"ELF executable", "\x7fELF", false},
	{"Mach-O executable", "\xfe\xed\xfa\xce", false},
	{"Mach-O executable", "\xfe\xed\xfa\xcf", false},
	{"Mach-O executable", "\xce\xfa\xed\xfe", false},
	{"Mach-O executable", "\xcf\xfa\xed\xfe", false},
	{"Mach-O universal binary", "\xca\xfe\xba\xbe", false},
	{"Mach-O universal binary", "\xbe\xba\xfe\xca", false},
	{"PE executable", "PE\x00\x00", false},
	{"DOS/PE executable", "MZ", true},
	{"script", "#!", true},
}

// checkHead decides from the first bytes of a body whether it may be stored, and as which
// content type. It refuses executable signatures anywhere in head and types other than PDF,
// JPEG and PNG with ErrUnsupportedType.
func checkHead(head []byte) (string, error) {
	if err := checkExecutable(head); err != nil {
		return "", err
	}
	sniff := head
	if len(sniff) > sniffLen {
		sniff = sniff[:sniffLen]
	}
	ctype, _, _ := mime.ParseMediaType(http.DetectContentType(sniff))
	if !allowedTypes[ctype] {
		return "", fmt.Errorf("%w (detected %s)", ErrUnsupportedType, ctype)
	}
	return ctype, nil
}

// checkExecutable refuses executable signatures in head with ErrUnsupportedType.
func checkExecutable(head []byte) error {
	for _, sig := range executableSignatures {
		if sig.atStart && bytes.HasPrefix(head, []byte(sig.magic)) ||
			!sig.atStart && bytes.Contains(head, []byte(sig.magic)) {
			return fmt.Errorf("%w: executable content (%s signature)", ErrUnsupportedType, sig.what)
		}
	}
	return nil
}

// structureCheck watches a body of a known content type stream past and decides whether it is
// well-formed, holding at most a bounded amount of it: the last pdfTailLen bytes of a PDF, the
// first imagePrefixLen bytes of an image.
type structureCheck struct {
	ctype   string
	tail    []byte // PDF: the last bytes seen
	prefix  []byte // image: the first bytes seen, until decided
	decided bool   // image: the header was decoded
}

func newStructureCheck(ctype string) *structureCheck { return &structureCheck{ctype: ctype} }

// write observes the next bytes of the body. It fails as soon as the body is known to be
// malformed.
func (c *structureCheck) write(p []byte) error {
	switch c.ctype {
	case "application/pdf":
		if len(p) >= pdfTailLen {
			c.tail = append(c.tail[:0], p[len(p)-pdfTailLen:]...)
			return nil
		}
		c.tail = append(c.tail, p...)
		if over := len(c.tail) - pdfTailLen; over > 0 {
			c.tail = c.tail[:copy(c.tail, c.tail[over:])]
		}
	case "image/png", "image/jpeg":
		if c.decided {
			return nil
		}
		room := imagePrefixLen - len(c.prefix)
		c.prefix = append(c.prefix, p[:min(room, len(p))]...)
		if len(c.prefix) == imagePrefixLen {
			return c.decodeImage()
		}
	}
	return nil
}

// finish decides, once the body has ended, whether it is well-formed.
func (c *structureCheck) finish() error {
	switch c.ctype {
	case "application/pdf":
		if !bytes.Contains(c.tail, []byte("%%EOF")) {
			return fmt.Errorf("%w: malformed PDF: no %%%%EOF trailer", ErrUnsupportedType)
		}
	case "image/png", "image/jpeg":
		if !c.decided {
			return c.decodeImage()
		}
	}
	return nil
}

// decodeImage decodes the image header from the prefix kept so far and releases the prefix.
func (c *structureCheck) decodeImage() error {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(c.prefix))
	c.prefix, c.decided = nil, true
	if err != nil || "image/"+format != c.ctype || cfg.Width <= 0 || cfg.Height <= 0 {
		return fmt.Errorf("%w: image header does not decode as %s", ErrUnsupportedType, c.ctype)
	}
	return nil
}
