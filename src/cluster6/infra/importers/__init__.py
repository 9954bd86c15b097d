"""The importer of the Netbeheer Nederland capacity map (service areas, grid projects, congestion zones).
It runs through cluster6.registry.importers.service.import_files like the other importers."""
