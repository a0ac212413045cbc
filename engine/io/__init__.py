"""Files users keep: experiments (JSON), their dataset section, weights (.npz), history (.csv),
with validation that names the key and writes that are atomic."""
