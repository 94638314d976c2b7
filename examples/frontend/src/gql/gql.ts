/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query Me {\n  me {\n    id\n    email\n    nomComplet\n    role\n    mustChangePassword\n  }\n}\n\nquery Interventions($first: Int!, $after: Cursor, $statuts: [InterventionStatut!], $titre: String) {\n  interventions(\n    first: $first\n    after: $after\n    where: {statutIn: $statuts, titreContainsFold: $titre}\n    orderBy: [{field: PRIORITE, direction: DESC}, {field: DATE_CREATION, direction: DESC}]\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...InterventionRow\n      }\n    }\n  }\n}\n\nfragment InterventionRow on Intervention {\n  id\n  titre\n  type\n  statut\n  priorite\n  datePrevue\n  enRetard\n  availableTransitions\n  equipement {\n    id\n    nom\n  }\n  technicien {\n    id\n    user {\n      nomComplet\n    }\n  }\n}\n\nmutation CreateIntervention($input: CreateInterventionInput!) {\n  createIntervention(input: $input) {\n    ...InterventionRow\n  }\n}\n\nmutation ChangeInterventionStatut($id: ID!, $statut: InterventionStatut!, $remarque: String) {\n  changeInterventionStatut(id: $id, statut: $statut, remarque: $remarque) {\n    id\n    statut\n    availableTransitions\n  }\n}\n\nsubscription InterventionStatutChanged($interventionId: ID, $equipementId: ID) {\n  interventionStatutChanged(\n    interventionId: $interventionId\n    equipementId: $equipementId\n  ) {\n    interventionId\n    ancienStatut\n    nouveauStatut\n    horodatage\n  }\n}": typeof types.MeDocument,
};
const documents: Documents = {
    "query Me {\n  me {\n    id\n    email\n    nomComplet\n    role\n    mustChangePassword\n  }\n}\n\nquery Interventions($first: Int!, $after: Cursor, $statuts: [InterventionStatut!], $titre: String) {\n  interventions(\n    first: $first\n    after: $after\n    where: {statutIn: $statuts, titreContainsFold: $titre}\n    orderBy: [{field: PRIORITE, direction: DESC}, {field: DATE_CREATION, direction: DESC}]\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...InterventionRow\n      }\n    }\n  }\n}\n\nfragment InterventionRow on Intervention {\n  id\n  titre\n  type\n  statut\n  priorite\n  datePrevue\n  enRetard\n  availableTransitions\n  equipement {\n    id\n    nom\n  }\n  technicien {\n    id\n    user {\n      nomComplet\n    }\n  }\n}\n\nmutation CreateIntervention($input: CreateInterventionInput!) {\n  createIntervention(input: $input) {\n    ...InterventionRow\n  }\n}\n\nmutation ChangeInterventionStatut($id: ID!, $statut: InterventionStatut!, $remarque: String) {\n  changeInterventionStatut(id: $id, statut: $statut, remarque: $remarque) {\n    id\n    statut\n    availableTransitions\n  }\n}\n\nsubscription InterventionStatutChanged($interventionId: ID, $equipementId: ID) {\n  interventionStatutChanged(\n    interventionId: $interventionId\n    equipementId: $equipementId\n  ) {\n    interventionId\n    ancienStatut\n    nouveauStatut\n    horodatage\n  }\n}": types.MeDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me {\n  me {\n    id\n    email\n    nomComplet\n    role\n    mustChangePassword\n  }\n}\n\nquery Interventions($first: Int!, $after: Cursor, $statuts: [InterventionStatut!], $titre: String) {\n  interventions(\n    first: $first\n    after: $after\n    where: {statutIn: $statuts, titreContainsFold: $titre}\n    orderBy: [{field: PRIORITE, direction: DESC}, {field: DATE_CREATION, direction: DESC}]\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...InterventionRow\n      }\n    }\n  }\n}\n\nfragment InterventionRow on Intervention {\n  id\n  titre\n  type\n  statut\n  priorite\n  datePrevue\n  enRetard\n  availableTransitions\n  equipement {\n    id\n    nom\n  }\n  technicien {\n    id\n    user {\n      nomComplet\n    }\n  }\n}\n\nmutation CreateIntervention($input: CreateInterventionInput!) {\n  createIntervention(input: $input) {\n    ...InterventionRow\n  }\n}\n\nmutation ChangeInterventionStatut($id: ID!, $statut: InterventionStatut!, $remarque: String) {\n  changeInterventionStatut(id: $id, statut: $statut, remarque: $remarque) {\n    id\n    statut\n    availableTransitions\n  }\n}\n\nsubscription InterventionStatutChanged($interventionId: ID, $equipementId: ID) {\n  interventionStatutChanged(\n    interventionId: $interventionId\n    equipementId: $equipementId\n  ) {\n    interventionId\n    ancienStatut\n    nouveauStatut\n    horodatage\n  }\n}"): (typeof documents)["query Me {\n  me {\n    id\n    email\n    nomComplet\n    role\n    mustChangePassword\n  }\n}\n\nquery Interventions($first: Int!, $after: Cursor, $statuts: [InterventionStatut!], $titre: String) {\n  interventions(\n    first: $first\n    after: $after\n    where: {statutIn: $statuts, titreContainsFold: $titre}\n    orderBy: [{field: PRIORITE, direction: DESC}, {field: DATE_CREATION, direction: DESC}]\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    edges {\n      cursor\n      node {\n        ...InterventionRow\n      }\n    }\n  }\n}\n\nfragment InterventionRow on Intervention {\n  id\n  titre\n  type\n  statut\n  priorite\n  datePrevue\n  enRetard\n  availableTransitions\n  equipement {\n    id\n    nom\n  }\n  technicien {\n    id\n    user {\n      nomComplet\n    }\n  }\n}\n\nmutation CreateIntervention($input: CreateInterventionInput!) {\n  createIntervention(input: $input) {\n    ...InterventionRow\n  }\n}\n\nmutation ChangeInterventionStatut($id: ID!, $statut: InterventionStatut!, $remarque: String) {\n  changeInterventionStatut(id: $id, statut: $statut, remarque: $remarque) {\n    id\n    statut\n    availableTransitions\n  }\n}\n\nsubscription InterventionStatutChanged($interventionId: ID, $equipementId: ID) {\n  interventionStatutChanged(\n    interventionId: $interventionId\n    equipementId: $equipementId\n  ) {\n    interventionId\n    ancienStatut\n    nouveauStatut\n    horodatage\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;