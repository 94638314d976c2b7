// A client of the ERP with the generated types: every variable and every field read below
// is checked by `tsc --noEmit` against the operations, and so against ../../schema.graphql.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";

import {
  ChangeInterventionStatutDocument,
  CreateInterventionDocument,
  InterventionStatutChangedDocument,
  InterventionsDocument,
  MeDocument,
  type InterventionRowFragment,
  type InterventionsQuery,
  type InterventionStatut,
  type InterventionStatutChangedSubscription,
} from "./gql/graphql";
import persistedDocuments from "./gql/persisted-documents.json" with { type: "json" };

const manifest: Record<string, string> = persistedDocuments;

// Logging in is REST (README.md, "Logging in"), so its answer is typed here by hand.
type TokenPair = { access_token: string; token_type: "bearer"; expires_in: number; refresh_token: string };

export async function login(baseUrl: string, email: string, password: string): Promise<TokenPair> {
  const res = await fetch(`${baseUrl}/auth/token`, {
    method: "POST",
    body: new URLSearchParams({ email, password }),
  });
  if (!res.ok) throw new Error(`login: HTTP ${res.status}`);
  return (await res.json()) as TokenPair;
}

type GraphQLError = { message: string; extensions?: { code?: string } };

// The persisted document of an operation: its hash (as the manifest names it) and the text
// whose sha256 it is, which is what the server's automatic persisted queries check.
function persisted(doc: TypedDocumentNode<unknown, never>): { hash: string; text: string } {
  const hash = (doc as { __meta__?: { hash?: string } }).__meta__?.hash;
  const text = hash === undefined ? undefined : manifest[hash];
  if (hash === undefined || text === undefined) throw new Error("not a persisted document: run npm run codegen");
  return { hash, text };
}

export class Client {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  // Sends the hash alone first; the text follows only if the server has not seen it yet.
  async request<R, V extends Record<string, unknown>>(doc: TypedDocumentNode<R, V>, variables: V): Promise<R> {
    const { hash, text } = persisted(doc as TypedDocumentNode<unknown, never>);
    const persistedQuery = { version: 1, sha256Hash: hash.replace(/^sha256:/, "") };
    let body = await this.post({ variables, extensions: { persistedQuery } });
    if (body.errors?.some((e) => e.message === "PersistedQueryNotFound")) {
      body = await this.post({ query: text, variables, extensions: { persistedQuery } });
    }
    if (body.errors?.length || body.data == null) {
      throw new Error(body.errors?.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("; "));
    }
    return body.data as R;
  }

  private async post(payload: object): Promise<{ data?: unknown; errors?: GraphQLError[] }> {
    const res = await fetch(`${this.baseUrl}/graphql`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${this.token}` },
      body: JSON.stringify(payload),
    });
    return (await res.json()) as { data?: unknown; errors?: GraphQLError[] };
  }

  // Status changes over graphql-transport-ws; returns a function that ends the subscription.
  subscribeStatutChanges(
    variables: { interventionId?: string; equipementId?: string },
    onEvent: (e: InterventionStatutChangedSubscription["interventionStatutChanged"]) => void,
  ): () => void {
    const { text } = persisted(InterventionStatutChangedDocument as TypedDocumentNode<unknown, never>);
    const ws = new WebSocket(this.baseUrl.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws");
    ws.onopen = () => ws.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${this.token}` } }));
    ws.onmessage = (m: MessageEvent<string>) => {
      const msg = JSON.parse(m.data) as { type: string; payload?: { data?: InterventionStatutChangedSubscription } };
      if (msg.type === "connection_ack") {
        ws.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: text, variables } }));
      } else if (msg.type === "ping") {
        ws.send(JSON.stringify({ type: "pong" }));
      } else if (msg.type === "next" && msg.payload?.data) {
        onEvent(msg.payload.data.interventionStatutChanged);
      }
    };
    return () => ws.close();
  }
}

// What a screen does: the open work, page by page; a new request, and its first allowed
// move, watched live.
export async function example(baseUrl: string, email: string, password: string): Promise<void> {
  const { access_token } = await login(baseUrl, email, password);
  const api = new Client(baseUrl, access_token);

  const { me } = await api.request(MeDocument, {});
  console.log(`${me.nomComplet ?? me.email} (${me.role})`);

  const open: InterventionStatut[] = ["OUVERTE", "AFFECTEE", "EN_COURS"];
  const rows: InterventionRowFragment[] = [];
  let after: string | null = null;
  do {
    const page: InterventionsQuery = await api.request(InterventionsDocument, { first: 50, after, statuts: open, titre: "pompe" });
    for (const edge of page.interventions.edges ?? []) {
      if (edge?.node) rows.push(edge.node);
    }
    after = page.interventions.pageInfo.hasNextPage ? page.interventions.pageInfo.endCursor : null;
  } while (after !== null);
  console.log(`${rows.length} open interventions about a pump`);

  const { createIntervention: created } = await api.request(CreateInterventionDocument, {
    input: { titre: "Fuite sur la pompe P-12", type: "CORRECTIVE", priorite: "HAUTE", urgence: true },
  });
  const stop = api.subscribeStatutChanges({ interventionId: created.id }, (e) =>
    console.log(`${e.interventionId}: ${e.ancienStatut} → ${e.nouveauStatut} at ${e.horodatage}`),
  );
  const next = created.availableTransitions[0];
  if (next !== undefined) {
    const { changeInterventionStatut: changed } = await api.request(ChangeInterventionStatutDocument, {
      id: created.id,
      statut: next,
      remarque: "pris en charge",
    });
    console.log(`now ${changed.statut}; next: ${changed.availableTransitions.join(", ")}`);
  }
  stop();
}
