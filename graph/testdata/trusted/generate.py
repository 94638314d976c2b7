# Writes persisted-documents.json as graphql-codegen's client preset does with
# persistedDocuments: true: {"<sha256 hex of the document>": "<document>"}.
# Run from this directory: python3 generate.py
import hashlib, json

documents = [
    "query Me { me { email } }",
    "query MeRole { me { email role } }",
    "mutation CreateCompetence($nom: String!) { createCompetence(input: {nom: $nom}) { nom } }",
]
manifest = {hashlib.sha256(d.encode()).hexdigest(): d for d in documents}
with open("persisted-documents.json", "w") as f:
    json.dump(manifest, f, indent=2, sort_keys=True)
    f.write("\n")
