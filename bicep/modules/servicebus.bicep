// Service Bus carries one message per segment to the GPU workers. Standard tier: duplicate detection
// (MessageId = job:segment:attempt) needs it. Local (SAS) auth is off: senders and receivers use Entra ID.
param location string
param baseName string
param tags object
@description('Deliveries before a segment message is dead-lettered; each lock expiry (a worker that died) counts as one.')
@minValue(1)
param maxDeliveryCount int

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: 'sb-${baseName}-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource segments 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: 'segments'
  properties: {
    // 5 minutes is the broker's maximum; the worker renews the lock while it renders (MaxAutoLockRenewalDuration).
    lockDuration: 'PT5M'
    maxDeliveryCount: maxDeliveryCount
    deadLetteringOnMessageExpiration: true
    requiresDuplicateDetection: true
    // Longer than the orchestrator's per-segment deadline, so that a re-sent attempt is still recognised.
    duplicateDetectionHistoryTimeWindow: 'PT2H'
    defaultMessageTimeToLive: 'P1D'
    requiresSession: false
    enablePartitioning: false
  }
}

output namespaceName string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output queueName string = segments.name
