from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The programme roles of domain.md section 2. The anonymous public has no membership."""

    MINISTERIE = "ministerie", _("Ministerie (KGG)")
    RVO = "rvo", _("RVO")
    CLUSTERREGISSEUR = "clusterregisseur", _("Stichting Cluster 6 – clusterregisseur")
    REGIOMANAGER = "regiomanager", _("Stichting Cluster 6 – regiomanager")
    PROVINCIE = "provincie", _("Provincie")
    NETBEHEERDER = "netbeheerder", _("Netbeheerder")
    BEDRIJF = "bedrijf", _("Bedrijf")


#: Roles that see every location in the registry.
NATIONAL_ROLES = frozenset({Role.MINISTERIE, Role.RVO})
#: Stichting Cluster 6 sees every cluster-6 location.
PROGRAMME_ROLES = frozenset({Role.CLUSTERREGISSEUR, Role.REGIOMANAGER})
#: Roles that may run the importers (upload page and API).
IMPORT_ROLES = frozenset({Role.MINISTERIE, Role.RVO, Role.CLUSTERREGISSEUR, Role.REGIOMANAGER})
