"""The importers of the registry: EU ETS installations and emissions, NEa emission figures and the CBS
boundaries (the capacity map is imported by cluster6.infra.importers). Entry point: `service.import_files`.
The file formats are documented in docs/formats.md."""
