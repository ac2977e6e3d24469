// The app's Azure Functions deployment, generated from the manifest by Portable.Deploy (src/Deploy/Bicep); do not
// edit: change the manifest or the deployment options and run `portable deploy`. Deploy: see deploy/azure/README.md.
// Functions: items-api, ledger-writer, accounts-api, inventory-api, orders-api, order-saga, order-saga-coordinator, reconcile-orders, orders-reserve-inventory, orders-charge-payment, orders-create-shipment, orders-notify-customer, orders-release-inventory, orders-refund-payment, orders-cancel-shipment, jobs-api, job-chunk-worker, job-upload-starter

@description('Where every resource goes.')
param location string = resourceGroup().location

@description('Starts every resource name.')
@minLength(3)
@maxLength(16)
param prefix string = 'portable'

@description('FlexConsumption (FC1, serverless, the default) or Premium (EP1, always-ready instances, VNet).')
@allowed([
  'FlexConsumption'
  'Premium'
])
param plan string = 'FlexConsumption'

@description('Flex Consumption instance memory, MB: the largest memory a function of the manifest asks for, rounded up to a size Flex offers.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 512

@description('The most instances Flex Consumption scales out to (40-1000).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

var flex = plan == 'FlexConsumption'
var suffix = uniqueString(resourceGroup().id, prefix)
var appName = '${prefix}-${suffix}'
var storageName = take(toLower('${replace(prefix, '-', '')}${suffix}'), 24)
var packageContainer = 'app-package'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Portable's state store and queue publisher take a connection string (PORTABLE_TABLES_CONNECTION); the host itself uses the identity.
    allowSharedKeyAccess: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packages 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: packageContainer
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}
resource jobChunksQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'job-chunks'
}

// Where the host moves a message after maxDequeueCount (host.json) dequeues, and Portable's dead-letter sink puts a poison message.
resource jobChunksPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'job-chunks-poison'
}

resource orderSagaQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'order-saga'
}

// Where the host moves a message after maxDequeueCount (host.json) dequeues, and Portable's dead-letter sink puts a poison message.
resource orderSagaPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'order-saga-poison'
}

resource paymentsQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'payments'
}

// Where the host moves a message after maxDequeueCount (host.json) dequeues, and Portable's dead-letter sink puts a poison message.
resource paymentsPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'payments-poison'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource stateTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: 'PortableState'
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${prefix}-logs-${suffix}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${prefix}-insights-${suffix}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource hostingPlan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${prefix}-plan-${suffix}'
  location: location
  sku: flex ? {
    name: 'FC1'
    tier: 'FlexConsumption'
  } : {
    name: 'EP1'
    tier: 'ElasticPremium'
  }
  kind: flex ? 'functionapp' : 'elastic'
  properties: {
    reserved: true
  }
}

var connection = 'DefaultEndpointsProtocol=https;AccountName=${storage.name};EndpointSuffix=${environment().suffixes.storage};AccountKey=${storage.listKeys().keys[0].value}'

var commonSettings = [
  {
    name: 'AzureWebJobsStorage__accountName'
    value: storage.name
  }
  {
    name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
    value: insights.properties.ConnectionString
  }
  {
    name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
    value: 'Authorization=AAD'
  }
  {
    name: 'PORTABLE_TABLES_CONNECTION'
    value: connection
  }
  {
    name: 'PORTABLE_TABLES_TABLE'
    value: stateTable.name
  }
]

// Premium runs the worker from an Azure Files content share and names its runtime in app settings; Flex names it in functionAppConfig.
var premiumSettings = [
  {
    name: 'FUNCTIONS_EXTENSION_VERSION'
    value: '~4'
  }
  {
    name: 'FUNCTIONS_WORKER_RUNTIME'
    value: 'dotnet-isolated'
  }
  {
    name: 'WEBSITE_CONTENTAZUREFILECONNECTIONSTRING'
    value: connection
  }
  {
    name: 'WEBSITE_CONTENTSHARE'
    value: toLower(appName)
  }
]

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: hostingPlan.id
    httpsOnly: true
    functionAppConfig: flex ? {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${packageContainer}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    } : null
    siteConfig: {
      linuxFxVersion: flex ? null : 'DOTNET-ISOLATED|10.0'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: flex ? commonSettings : concat(commonSettings, premiumSettings)
    }
  }
}

// Storage Blob Data Owner for the app's managed identity.
resource storageBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, app.id, 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Queue Data Contributor for the app's managed identity.
resource storageQueueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, app.id, '974c5e8b-45b9-4653-ba55-5f855dd0fb88')
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '974c5e8b-45b9-4653-ba55-5f855dd0fb88')
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Table Data Contributor for the app's managed identity.
resource storageTableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, app.id, '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

// Monitoring Metrics Publisher for the app's managed identity.
resource monitoringMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, app.id, '3913510d-42f4-4e42-8a64-420c390055eb')
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
  }
}

module eventGrid 'event-grid.bicep' = {
  name: 'eventGrid'
  params: {
    storageAccountName: storage.name
    location: location
  }
}

@description('The function app: deploy the package to it with `func azure functionapp publish`.')
output functionAppName string = app.name

@description('The app\'s base URL: HTTP functions answer on it without an /api prefix (host.json).')
output functionAppUrl string = 'https://${app.properties.defaultHostName}'

output storageAccountName string = storage.name

output principalId string = app.identity.principalId
