package ident

// CompleteResidentID appends the check character to a 17-character resident-ID prefix.
func CompleteResidentID(first17 string) (string, error) {
	c, err := ResidentIDCheckChar(first17)
	if err != nil {
		return "", err
	}
	return first17 + string(c), nil
}

// CompleteUSCC appends the check character to a 17-character credit-code prefix.
func CompleteUSCC(first17 string) (string, error) {
	c, err := USCCCheckChar(first17)
	if err != nil {
		return "", err
	}
	return first17 + string(c), nil
}
