import { createContext, useContext } from "react";

// The page's CSP nonce, from the server's load context through app/entry.server.tsx. In the
// browser it is undefined: the scripts that need it have already run.
export const NonceContext = createContext<string | undefined>(undefined);
export const useNonce = () => useContext(NonceContext);
