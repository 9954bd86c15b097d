"""The read API. Each endpoint parses its query (input serializer), calls one selector (which applies the
policy layer) and serializes the result. Objects outside the user's visibility give 404."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cluster6.accounts.models import User
from cluster6.infra.selectors import (
    grid_area_get,
    grid_area_list,
    grid_project_get,
    grid_project_list,
    rollout_get,
    rollout_list,
)
from cluster6.registry.selectors import (
    LOCATION_RECORD_RELATIONS,
    emission_list,
    location_detail,
    location_list,
    location_list_ordered,
)

from .authentication import ApiTokenAuthentication
from .errors import DETAIL_ERRORS, FORBIDDEN, LIST_ERRORS, UNAUTHORIZED
from .filters import (
    EmissionQuerySerializer,
    EmissionYearQuerySerializer,
    GridAreaQuerySerializer,
    GridProjectQuerySerializer,
    LocationEmissionQuerySerializer,
    LocationQuerySerializer,
    parse_query,
)
from .pagination import Pagination
from .serializers import (
    CarrierRolloutQuerySerializer,
    CarrierRolloutSerializer,
    EmissionRecordSerializer,
    GridAreaDetailSerializer,
    GridAreaSerializer,
    GridProjectSerializer,
    LocationSerializer,
    MeSerializer,
)

#: Token first, so that an anonymous request gets 401 with a `WWW-Authenticate: Token` header rather than
#: 403; then the session of the web interface.
AUTHENTICATION = [ApiTokenAuthentication, SessionAuthentication]


#: The `{id}` path parameter of detail endpoints.
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The object's id.")


class ReadViewSet(viewsets.GenericViewSet[Any]):
    """Authenticated by default; filtering is done by the selectors, not by filter backends."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    filter_backends = []

    def paginated(self, qs: models.QuerySet[Any], **context: Any) -> Response:
        page = self.paginate_queryset(qs)
        serializer = self.get_serializer(
            page, many=True, context={**self.get_serializer_context(), **context}
        )
        return self.get_paginated_response(serializer.data)


@extend_schema_view(
    list=extend_schema(
        summary="List production locations",
        description="The locations the user may see (the same rules as the web interface), filtered, "
        "sorted and paginated.",
        parameters=[LocationQuerySerializer],
        responses={200: LocationSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One production location",
        description="A location the user may see; 404 for any other.",
        parameters=[ID, EmissionYearQuerySerializer],
        responses={200: LocationSerializer, **DETAIL_ERRORS},
    ),
    emissions=extend_schema(
        summary="Emission records of one location",
        description="Every record of the location (all sources), by year and source priority; not paginated.",
        parameters=[ID, LocationEmissionQuerySerializer],
        responses={200: EmissionRecordSerializer(many=True), **DETAIL_ERRORS},
    ),
)
class LocationViewSet(ReadViewSet):
    """Production locations and their emissions, as far as the user may see them."""

    serializer_class = LocationSerializer

    def get_queryset(self) -> models.QuerySet[Any]:
        return location_list(actor=self.request.user)

    def list(self, request: Request) -> Response:
        query = parse_query(LocationQuerySerializer, request)
        filters = query.filters()
        key, descending = query.sort()
        qs = location_list(actor=request.user, filters=filters).select_related(*LOCATION_RECORD_RELATIONS)
        return self.paginated(
            location_list_ordered(qs, key=key, descending=descending), emission_year=filters.emission_year
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        year = parse_query(EmissionYearQuerySerializer, request).validated_data["emission_year"]
        location = location_detail(actor=request.user, location_id=pk, emission_year=year)
        context = {**self.get_serializer_context(), "emission_year": year}
        return Response(LocationSerializer(location, context=context).data)

    @action(detail=True, methods=["get"], pagination_class=None)
    def emissions(self, request: Request, pk: str) -> Response:
        query = parse_query(LocationEmissionQuerySerializer, request)
        location = location_detail(actor=request.user, location_id=pk)
        records = emission_list(actor=request.user, filters=query.filters(location=location.pk))
        return Response(EmissionRecordSerializer(records, many=True).data)


@extend_schema_view(
    list=extend_schema(
        summary="List emission records",
        description="The emission records (every source) of the locations the user may see, by location, "
        "year and source priority.",
        parameters=[EmissionQuerySerializer],
        responses={200: EmissionRecordSerializer(many=True), **LIST_ERRORS},
    ),
)
class EmissionViewSet(ReadViewSet):
    """Emission records of the locations the user may see."""

    serializer_class = EmissionRecordSerializer

    def get_queryset(self) -> models.QuerySet[Any]:
        return emission_list(actor=self.request.user)

    def list(self, request: Request) -> Response:
        query = parse_query(EmissionQuerySerializer, request)
        return self.paginated(emission_list(actor=request.user, filters=query.filters()))


@extend_schema_view(
    list=extend_schema(
        summary="List grid service areas",
        description="The service areas (voedingsgebieden) of the capacity map, by name. Public "
        "information: every signed-in user sees all of them.",
        parameters=[GridAreaQuerySerializer],
        responses={200: GridAreaSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One grid service area with its planned projects",
        description="With its geometry (GeoJSON) and its planned projects, soonest first.",
        parameters=[ID],
        responses={200: GridAreaDetailSerializer, **DETAIL_ERRORS},
    ),
)
class GridAreaViewSet(ReadViewSet):
    """Grid service areas of the capacity map."""

    serializer_class = GridAreaSerializer

    def get_queryset(self) -> models.QuerySet[Any]:
        return grid_area_list(actor=self.request.user)

    def list(self, request: Request) -> Response:
        query = parse_query(GridAreaQuerySerializer, request)
        return self.paginated(grid_area_list(actor=request.user, filters=query.filters()))

    def retrieve(self, request: Request, pk: str) -> Response:
        area = grid_area_get(actor=request.user, area_id=pk)
        return Response(GridAreaDetailSerializer(area, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(
        summary="List planned grid projects",
        description="Planned grid reinforcements, soonest first.",
        parameters=[GridProjectQuerySerializer],
        responses={200: GridProjectSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One planned grid project",
        description="A planned grid reinforcement.",
        parameters=[ID],
        responses={200: GridProjectSerializer, **DETAIL_ERRORS},
    ),
)
class GridProjectViewSet(ReadViewSet):
    """Planned grid reinforcements."""

    serializer_class = GridProjectSerializer

    def get_queryset(self) -> models.QuerySet[Any]:
        return grid_project_list(actor=self.request.user)

    def list(self, request: Request) -> Response:
        query = parse_query(GridProjectQuerySerializer, request)
        return self.paginated(grid_project_list(actor=request.user, filters=query.filters()))

    def retrieve(self, request: Request, pk: str) -> Response:
        project = grid_project_get(actor=request.user, project_id=pk)
        return Response(GridProjectSerializer(project, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(
        summary="List carrier rollouts",
        description="The phases of the hydrogen, CO2 (transport and storage), green gas and heat networks "
        "that the feasibility analysis uses, by carrier (hydrogen, CO2, green gas, heat), year and code, "
        "each with its network points. Public information: every signed-in user sees all of them.",
        parameters=[CarrierRolloutQuerySerializer],
        responses={200: CarrierRolloutSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One carrier rollout",
        description="A rollout with its network points.",
        parameters=[ID],
        responses={200: CarrierRolloutSerializer, **DETAIL_ERRORS},
    ),
)
class CarrierRolloutViewSet(ReadViewSet):
    """Rollouts of hydrogen, CO2, green gas and heat."""

    serializer_class = CarrierRolloutSerializer

    def get_queryset(self) -> models.QuerySet[Any]:
        return rollout_list(actor=self.request.user)

    def list(self, request: Request) -> Response:
        query = parse_query(CarrierRolloutQuerySerializer, request)
        return self.paginated(rollout_list(actor=request.user, filters=query.filters()))

    def retrieve(self, request: Request, pk: str) -> Response:
        rollout = rollout_get(actor=request.user, rollout_id=pk)
        return Response(CarrierRolloutSerializer(rollout, context=self.get_serializer_context()).data)


class MeView(APIView):
    """The signed-in user."""

    authentication_classes = AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="The signed-in user",
        description="The user, its roles and organisations, and what the platform lets it do.",
        responses={200: MeSerializer, 401: UNAUTHORIZED, 403: FORBIDDEN},
    )
    def get(self, request: Request) -> Response:
        assert isinstance(request.user, User)  # IsAuthenticated
        return Response(MeSerializer(request.user).data)
