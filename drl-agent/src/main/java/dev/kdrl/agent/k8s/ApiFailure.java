package dev.kdrl.agent.k8s;

/**
 * The cluster refused or could not serve what the agent needs to start (a CRD it cannot install, a resource it
 * cannot list): one line naming the request, the API server's answer and what to fix. The agent prints it and
 * exits 1.
 */
public final class ApiFailure extends RuntimeException {
    public ApiFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
