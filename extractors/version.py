"""The extractor version recorded in every manifest; bump it whenever extracted rows can change."""

EXTRACTOR_VERSION = "0.5.0"
